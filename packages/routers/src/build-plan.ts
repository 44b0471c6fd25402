/**
 * Assembling a routing plan from the pairs a selection rule chose. The selection is host
 * bookkeeping (indices read from the device); the weights stay tensors: each pair's weight is
 * picked with `indexSelect` from a tensor the rule computed from the router's scores, so
 * gradients reach the router's parameters. Pairs are sorted by expert, then token.
 *
 * Inside a compiled step (or with `pad`), the plan's tensors are padded to `paddedRows(pairs,
 * tokens)` rows — the pairs rounded up to a multiple of ceil(tokens / 4) — with pairs of weight
 * exactly 0 (token 0, the last expert), the pad weights picked from a 0 appended to the weight
 * source. A rule whose number of pairs follows the data (causal expert choice and USMoE
 * thresholds) then records one of a few shapes instead of a new one per step, and the compiled
 * step reuses their plans (as XLA buckets dynamic shapes). A padded pair adds 0 · E(x₀) = 0 to
 * token 0 and nothing to any gradient; the host copies, counts and statistics describe the real
 * pairs only.
 */
import { concat, div, indexAdd, indexSelect, isCompiling, maximum, mul, reshape, sum, tensor, zeros, type Tensor } from '@smoe/tensor';
import type { RoutingPlan } from './plan.js';
import { routingStats, statsRecord } from './stats.js';

/** What a selection rule chose, in any order. */
export interface PairSelection {
  /** Tokens and experts routed over. */
  tokens: number;
  experts: number;
  /** The kept pairs: token and expert of each. */
  token: Int32Array;
  expert: Int32Array;
  /**
   * Weight source: pair p's weight is `weights.reshape([-1])[position[p]]`. Without weights,
   * every pair weighs 1 (no gradient: hash and VQ routing).
   */
  weights?: Tensor;
  position?: Int32Array;
  /** [experts]: pairs assigned before capacity. Defaults to the kept counts. */
  demand?: Int32Array;
  /** The per-expert capacity applied, if any. */
  capacity?: number;
  /** Pairs capacity dropped. */
  droppedToken?: Int32Array;
  droppedExpert?: Int32Array;
  /** [tokens, experts] routing probabilities or scores, for statistics and analysis. */
  probabilities?: Tensor;
  /** Rule-specific statistics, merged into `plan.stats`. */
  stats?: Record<string, number>;
}

/** The rows a plan of `pairs` pairs over `tokens` tokens is padded to: pairs rounded up to a multiple of ceil(tokens / 4). */
export function paddedRows(pairs: number, tokens: number): number {
  const bucket = Math.max(1, Math.ceil(tokens / 4));
  return Math.ceil(pairs / bucket) * bucket;
}

/** int32 tensors [rows] of the pairs' tokens and experts, then padding pairs (token 0, the last expert). */
export function pairRows(tokenIndex: Int32Array, expertIndex: Int32Array, rows: number, experts: number): { token: Tensor; expert: Tensor } {
  const token = new Int32Array(rows);
  token.set(tokenIndex);
  const expert = new Int32Array(rows).fill(experts - 1);
  expert.set(expertIndex);
  return { token: tensor(token, [rows], { dtype: 'int32' }), expert: tensor(expert, [rows], { dtype: 'int32' }) };
}

/**
 * Builds the plan (no losses yet) from a selection. `pad` (default: inside a compiled step) pads
 * its tensors to `paddedRows` rows with weight-0 pairs (see the header).
 */
export async function buildPlan(selection: PairSelection, pad = isCompiling()): Promise<RoutingPlan> {
  const { tokens, experts, token, expert, position, weights } = selection;
  const pairs = token.length;
  if (expert.length !== pairs || (position && position.length !== pairs)) {
    throw new Error(`buildPlan: ${pairs} tokens, ${expert.length} experts and ${position?.length ?? pairs} positions do not describe the same pairs`);
  }
  if (weights && !position) throw new Error('buildPlan: weights need a position per pair');
  const key = new Float64Array(pairs);
  for (let p = 0; p < pairs; p++) {
    if (!(token[p] >= 0 && token[p] < tokens) || !(expert[p] >= 0 && expert[p] < experts)) {
      throw new Error(`buildPlan: pair ${p} (token ${token[p]}, expert ${expert[p]}) is outside [${tokens} tokens, ${experts} experts]`);
    }
    key[p] = expert[p] * tokens + token[p];
  }
  const order = Array.from({ length: pairs }, (_, p) => p).sort((a, b) => key[a] - key[b]);
  const tokenIndex = new Int32Array(pairs);
  const expertIndex = new Int32Array(pairs);
  const sortedPosition = new Int32Array(pairs);
  const counts = new Int32Array(experts);
  const routed = new Uint8Array(tokens);
  order.forEach((p, q) => {
    if (q > 0 && key[p] === key[order[q - 1]]) throw new Error(`buildPlan: the pair (token ${token[p]}, expert ${expert[p]}) is selected twice`);
    tokenIndex[q] = token[p];
    expertIndex[q] = expert[p];
    if (position) sortedPosition[q] = position[p];
    counts[expert[p]]++;
    routed[token[p]] = 1;
  });
  let unroutedTokens = 0;
  for (let t = 0; t < tokens; t++) if (!routed[t]) unroutedTokens++;
  // [rows]: differentiable picks from the rule's weight tensor; padding picks an appended 0
  // (appended whenever padding is on, so a count that fills its bucket records the same kernels)
  const rows = pad ? paddedRows(pairs, tokens) : pairs;
  let weight: Tensor;
  if (weights) {
    const source = reshape(weights, [-1]);
    const positionRows = new Int32Array(rows).fill(source.size);
    positionRows.set(sortedPosition);
    weight = indexSelect(pad ? concat([source, zeros([1])]) : source, 0, tensor(positionRows));
  } else {
    weight = tensor(Float32Array.from({ length: rows }, (_, p) => (p < pairs ? 1 : 0)));
  }
  const plan: RoutingPlan = {
    tokens,
    experts,
    ...pairRows(tokenIndex, expertIndex, rows, experts),
    tokenIndex,
    expertIndex,
    weight,
    counts,
    droppedPairs: selection.droppedToken?.length ?? 0,
    unroutedTokens,
    auxLoss: null,
    losses: {},
    stats: {},
    probabilities: selection.probabilities,
    demand: selection.demand ?? counts.slice(),
    capacity: selection.capacity,
    droppedTokenIndex: selection.droppedToken,
    droppedExpertIndex: selection.droppedExpert,
  };
  plan.stats = { ...statsRecord(await routingStats(plan)), ...selection.stats };
  return plan;
}

/** The plan's weights as a dense [tokens, experts] matrix (0 where no pair), differentiable. */
export function denseWeights(plan: RoutingPlan): Tensor {
  const { tokens, experts } = plan;
  const flat = new Int32Array(plan.weight.size); // padding rows stay at entry (0, 0) and add their 0 there
  for (let p = 0; p < plan.tokenIndex.length; p++) flat[p] = plan.tokenIndex[p] * experts + plan.expertIndex[p];
  return reshape(indexAdd(zeros([tokens * experts]), 0, tensor(flat), plan.weight), [tokens, experts]);
}

/**
 * Divides each token's weights [tokens, experts] by the total over its selected pairs (`position`
 * = token · experts + expert), so the selected weights sum to 1; tokens with no expert stay 0
 * (the total is guarded at 1e-12). Differentiable through `weights`.
 */
export function renormalizeOverSelection(weights: Tensor, position: ArrayLike<number>): Tensor {
  const [tokens, experts] = weights.shape;
  const mask = new Float32Array(tokens * experts);
  for (let p = 0; p < position.length; p++) mask[position[p]] = 1;
  const total = maximum(sum(mul(weights, tensor(mask, [tokens, experts])), -1, true), 1e-12);
  return div(weights, total);
}
