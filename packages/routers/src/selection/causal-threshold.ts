/**
 * The causal form of the rules that compare tokens (expert choice, USMoE), docs/routing.md §2.
 *
 * The sequence-level rule ranks the scores of a whole sequence, so in a decoder a token's
 * routing would depend on the tokens after it. The causal form replaces the ranking by a
 * threshold calibrated on past batches:
 *
 *   τ_b      = the smallest score the sequence-level rule selected in batch b (per expert for
 *              expert choice, one value for USMoE), averaged over the batch's sequences
 *   τ̄       ← τ_1, then τ̄ ← m·τ̄ + (1 − m)·τ_b         (m = momentum, 0.99 by default)
 *   plan     = every pair (i, j) with score_ij ≥ τ̄_j      (a test on token i's own row)
 *
 * so the budget of the sequence-level rule holds on average and no token sees another. The
 * plan of batch b uses τ̄ as it stood before b; τ̄ is updated after routing, in training or
 * calibration only. Until the first update there is no threshold: the rule then keeps each
 * token's `fallbackTopK` best pairs (also causal).
 */

/** Momentum of the threshold's moving average. */
export const defaultThresholdMomentum = 0.99;

/** The pairs a causal rule kept, as flat positions token · experts + expert. */
export interface KeptPairs {
  token: Int32Array;
  expert: Int32Array;
  position: Int32Array;
}

/** The moving thresholds of one causal rule (one per expert, or one for all). */
export class CausalThreshold {
  /** The current τ̄, or null before the first update. */
  values: Float32Array | null = null;

  constructor(
    /** 1 (one threshold for all experts) or the number of experts. */
    readonly count: number,
    readonly momentum = defaultThresholdMomentum,
  ) {}

  /** Folds the thresholds observed on one batch into the moving average. */
  update(observed: Float32Array): void {
    if (observed.length !== this.count) throw new Error(`CausalThreshold.update: ${observed.length} thresholds observed, expected ${this.count}`);
    if (!this.values) {
      this.values = Float32Array.from(observed);
      return;
    }
    const m = this.momentum;
    for (let j = 0; j < this.count; j++) this.values[j] = m * this.values[j] + (1 - m) * observed[j];
  }

  /** The state a checkpoint keeps: `{ threshold }` once calibrated, else nothing. */
  state(): Record<string, Float32Array> {
    return this.values ? { threshold: Float32Array.from(this.values) } : {};
  }

  /** Restores what `state()` returned. */
  load(state: Record<string, Float32Array>, where: string): void {
    const values = state.threshold;
    if (!values) return;
    if (values.length !== this.count) throw new Error(`${where}: the saved causal threshold has ${values.length} values, this rule needs ${this.count}`);
    for (const v of values) if (!Number.isFinite(v)) throw new Error(`${where}: the saved causal threshold holds a non-finite value (${v})`);
    this.values = Float32Array.from(values);
  }

  /**
   * The causal plan of host scores [tokens, experts] (row-major), after checking they are finite:
   * the pairs that reach their threshold, or before the first update each token's `fallbackTopK`
   * best pairs; `calibrated` says which.
   */
  route(where: string, scores: Float32Array, tokens: number, experts: number, fallbackTopK: number): KeptPairs & { calibrated: boolean } {
    assertFiniteScores(where, scores);
    const calibrated = this.values !== null;
    const k = Math.min(experts, Math.max(1, Math.round(fallbackTopK)));
    return { ...(calibrated ? this.keep(scores, tokens, experts) : rowTopPairs(scores, tokens, experts, k)), calibrated };
  }

  /** Pairs whose score reaches the threshold of their expert: scores [tokens, experts], row-major. */
  keep(scores: Float32Array, tokens: number, experts: number): KeptPairs {
    const tau = this.values;
    if (!tau) throw new Error('CausalThreshold.keep: no threshold yet; route by the fallback until the first update');
    const token: number[] = [];
    const expert: number[] = [];
    const position: number[] = [];
    for (let i = 0; i < tokens; i++) {
      for (let j = 0; j < experts; j++) {
        const p = i * experts + j;
        if (scores[p] >= tau[this.count === 1 ? 0 : j]) {
          token.push(i);
          expert.push(j);
          position.push(p);
        }
      }
    }
    return { token: Int32Array.from(token), expert: Int32Array.from(expert), position: Int32Array.from(position) };
  }
}

/**
 * The k-th largest of `values` (k = 1: the largest), read on the host. The causal rules observe
 * their batch threshold τ_b with it: the same value as the sequence-level rule's top-k on the
 * device, without ranking every pair (an O(n²) kernel for USMoE's c = k̄·T of T·N pairs).
 */
export function kthLargest(values: Float32Array, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > values.length) throw new Error(`kthLargest: k = ${k} must be an integer in [1, ${values.length}]`);
  const sorted = Float32Array.from(values).sort();
  return sorted[values.length - k];
}

/** Each token's k best pairs by its own row of `scores` [tokens, experts] (ties to the lower expert). */
export function rowTopPairs(scores: Float32Array, tokens: number, experts: number, k: number): KeptPairs {
  const token = new Int32Array(tokens * k);
  const expert = new Int32Array(tokens * k);
  const position = new Int32Array(tokens * k);
  const order = Array.from({ length: experts }, (_, j) => j);
  for (let i = 0; i < tokens; i++) {
    const row = i * experts;
    order.sort((a, b) => scores[row + b] - scores[row + a] || a - b);
    for (let r = 0; r < k; r++) {
      const q = i * k + r;
      token[q] = i;
      expert[q] = order[r];
      position[q] = row + order[r];
    }
    for (let j = 0; j < experts; j++) order[j] = j;
  }
  return { token, expert, position };
}

/** Throws when router scores read to the host hold NaN or ±Infinity (the layer says which layer and why). */
export function assertFiniteScores(where: string, scores: Float32Array): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`${where}: non-finite router scores (${scores[i]} at position ${i})`);
  }
}
