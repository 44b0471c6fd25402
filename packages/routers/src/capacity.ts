/**
 * Expert capacity and token dropping (GShard, Lepikhin et al. 2020; Switch Transformers,
 * Fedus et al. 2021; V-MoE batch-prioritised routing, Riquelme et al. 2021).
 *
 *   C = ceil(capacity_factor · k · T / N)       pairs per expert
 *
 * Pairs are admitted choice by choice — every token's first choice before any second choice —
 * and, within one choice, in arrival order (token index) or by priority (V-MoE: the token's
 * largest gate weight first). A pair that finds its expert full is dropped: that token's
 * output from that expert is 0 (the residual carries it). This is host bookkeeping on indices.
 *
 * In a causal model (context.causal) arrival is position-major: all sequences' position 0,
 * then position 1, … (priority orders tokens within one position), so whether a token is
 * dropped depends only on tokens at the same or earlier positions (docs/routing.md §2).
 */

/** Capacity for `tokens` tokens with `k` choices each over `experts` experts; null factor → dropless (Infinity). */
export function capacityFor(capacityFactor: number | null, k: number, tokens: number, experts: number): number {
  if (capacityFactor === null || capacityFactor === 0) return Infinity;
  return Math.max(1, Math.ceil((capacityFactor * k * tokens) / experts - 1e-9));
}

/** How admission orders tokens within one choice. */
export type DropPolicy = 'arrival' | 'priority';

/**
 * The order in which tokens are admitted: token index ('arrival') or priority descending; with
 * `causalGroupSize` (tokens per sequence in a causal model), position-major first.
 */
export function admissionOrder(tokens: number, policy: DropPolicy = 'arrival', priority?: ArrayLike<number>, causalGroupSize?: number): number[] {
  const order = Array.from({ length: tokens }, (_, t) => t);
  if (policy === 'priority' && (!priority || priority.length !== tokens)) throw new Error(`applyCapacity: the 'priority' policy needs one priority per token (${tokens})`);
  const byPriority = (a: number, b: number): number => (policy === 'priority' ? (priority as ArrayLike<number>)[b] - (priority as ArrayLike<number>)[a] : 0);
  if (causalGroupSize !== undefined) {
    if (!Number.isInteger(causalGroupSize) || causalGroupSize < 1 || tokens % causalGroupSize !== 0) throw new Error(`applyCapacity: causalGroupSize = ${causalGroupSize} must divide the ${tokens} tokens`);
    const positionOf = (t: number): number => t % causalGroupSize;
    order.sort((a, b) => positionOf(a) - positionOf(b) || byPriority(a, b) || a - b);
  } else if (policy === 'priority') {
    order.sort((a, b) => byPriority(a, b) || a - b);
  }
  return order;
}

/**
 * Which of the T·k choices fit. `choices`: int32 [tokens, k] (row-major) experts by rank;
 * `priority`: [tokens] (higher first) for the 'priority' policy; `causalGroupSize`: admit
 * position-major (causal models). Returns 1 for kept, 0 for dropped, [tokens·k].
 */
export function applyCapacity(choices: Int32Array, tokens: number, k: number, experts: number, capacity: number, policy: DropPolicy = 'arrival', priority?: ArrayLike<number>, causalGroupSize?: number): Uint8Array {
  if (choices.length !== tokens * k) throw new Error(`applyCapacity: ${choices.length} choices for ${tokens} tokens × k = ${k}`);
  if (!(capacity >= 1)) throw new Error(`applyCapacity: capacity = ${capacity} is not allowed; expected ≥ 1 pair per expert`);
  const order = admissionOrder(tokens, policy, priority, causalGroupSize);
  const fill = new Int32Array(experts);
  const kept = new Uint8Array(tokens * k);
  for (let r = 0; r < k; r++) {
    for (const t of order) {
      const e = choices[t * k + r];
      if (fill[e] < capacity) {
        fill[e]++;
        kept[t * k + r] = 1;
      }
    }
  }
  return kept;
}
