/**
 * USMoE — Unified Sparse Mixture of Experts (the seed paper "Unified Sparse Mixture of
 * Experts"): a unified score and a unified selection mechanism.
 *
 * Routing as a linear program: maximise Σ F_ij x_ij subject to Σ x_ij ≤ c, x_ij ∈ {0, 1}.
 * Its optimum is the global top-c of F (Proposition 3.1); token choice (row top-k) and expert
 * choice (column top-C) are feasible points of the same program, never better.
 *
 *   unified score   F = α · softmax_j(S) + (1 − α) · s · σ(S),   s = 2/N by default
 *                   (α weighs the token-choice term; the authors' code writes r = 1 − α = 0.5)
 *   mechanism       per group of T_g tokens (one sequence or image), flatten F_g: [T_g · N]
 *                   and keep its top c pairs, c = max(1, floor(k̄ · T_g)); k̄ may be fractional
 *   weights         w_ij = F_ij of the selected pairs (optionally renormalised per token)
 *
 * Causal form (context.causal, the default in decoders; docs/routing.md §3): the global top-c
 * over a sequence lets a token's routing depend on later tokens. The causal rule keeps pair
 * (i, j) iff F_ij ≥ τ̄, one threshold for all pairs: a moving average over training batches of
 * the c-th largest F of each sequence (see causal-threshold.ts); before the first training (or
 * calibration) batch it keeps each token's round(k̄) best experts.
 *
 * The authors' code has no auxiliary loss. Defaults: topK (k̄) 2, alpha 0.5, sigmoidScale 2/N,
 * renormalize false, thresholdMomentum 0.99. Ties go to the lower flat index (earlier token,
 * then lower expert).
 */
import { add, mul, reshape, sigmoid, softmax, topk, type Tensor } from '@smoe/tensor';
import { buildPlan, renormalizeOverSelection } from '../build-plan.js';
import { checkBoolean, checkKeys, orDefault, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { CausalThreshold, defaultThresholdMomentum, kthLargest, type KeptPairs } from './causal-threshold.js';
import { checkScores, groupSizeOf, type SelectionRule } from './rule.js';

/** Options of USMoE. */
export interface UsmoeOptions {
  /** Average experts per token k̄ (fractional allowed), in (0, experts]. Default 2. */
  topK?: number;
  /** Weight α of the row softmax in the unified score, in [0, 1]; the sigmoid gets 1 − α. Default 0.5. */
  alpha?: number;
  /** Scale s of the sigmoid term. Default 2/N. */
  sigmoidScale?: number;
  /** Renormalise each token's selected weights to sum to 1. Default false. */
  renormalize?: boolean;
  /** Momentum of the causal form's threshold, in [0, 1). Default 0.99. */
  thresholdMomentum?: number;
}

export const usmoeKeys = ['topK', 'alpha', 'sigmoidScale', 'renormalize', 'thresholdMomentum'];

function resolve(options: UsmoeOptions, experts: number): Required<UsmoeOptions> {
  const where = 'usmoe';
  checkKeys(where, options, usmoeKeys);
  return {
    topK: checkNumber(where, 'topK', orDefault<unknown>(options.topK, 2), 0, experts, { min: true }, 'k̄, average experts per token, at most the number of experts'),
    alpha: checkNumber(where, 'alpha', orDefault<unknown>(options.alpha, 0.5), 0, 1),
    sigmoidScale: checkNumber(where, 'sigmoidScale', orDefault<unknown>(options.sigmoidScale, 2 / experts), 0, Infinity, { min: true }),
    renormalize: checkBoolean(where, 'renormalize', orDefault<unknown>(options.renormalize, false)),
    thresholdMomentum: checkNumber(where, 'thresholdMomentum', orDefault<unknown>(options.thresholdMomentum, defaultThresholdMomentum), 0, 1, { max: true }),
  };
}

/** The unified score F = α·softmax(S) + (1 − α)·s·σ(S): [tokens, experts]. */
export function unifiedScore(scores: Tensor, alpha = 0.5, sigmoidScale = 2 / scores.shape[scores.rank - 1]): Tensor {
  checkNumber('unifiedScore', 'alpha', alpha, 0, 1);
  return add(mul(softmax(scores), alpha), mul(sigmoid(scores), (1 - alpha) * sigmoidScale));
}

/** Budget c of one group: max(1, floor(k̄ · T_g)). */
export function usmoeBudget(topK: number, groupSize: number): number {
  return Math.max(1, Math.floor(topK * groupSize + 1e-9));
}

/** The c-th largest unified score of each group (host scores [tokens, experts]), averaged over groups: the causal form's τ_b. */
function observedThreshold(f: Float32Array, budget: number, groupSize: number, experts: number): number {
  const block = groupSize * experts;
  const groups = f.length / block;
  let threshold = 0;
  for (let g = 0; g < groups; g++) threshold += kthLargest(f.subarray(g * block, (g + 1) * block), budget) / groups;
  return threshold;
}

/** The global top-c pairs of each group of the unified scores. */
async function chooseBySequence(unified: Tensor, budget: number, groupSize: number): Promise<KeptPairs> {
  const [tokens, experts] = unified.shape;
  const groups = tokens / groupSize;
  // [groups, groupSize · experts]: the global top-c of each group.
  const top = topk(reshape(unified, [groups, groupSize * experts]), budget);
  const chosen = (await top.indices.data()) as Int32Array;
  const pairs = groups * budget;
  const token = new Int32Array(pairs);
  const expert = new Int32Array(pairs);
  const position = new Int32Array(pairs);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < budget; c++) {
      const flat = chosen[g * budget + c];
      const p = g * budget + c;
      token[p] = g * groupSize + Math.floor(flat / experts);
      expert[p] = flat % experts;
      position[p] = g * groupSize * experts + flat;
    }
  }
  return { token, expert, position };
}

/**
 * USMoE routing of scores S: [tokens, experts], per group of `context.groupSize` tokens. With
 * `context.causal` the causal form needs the rule's `threshold` state (use `UsmoeSelection`).
 */
export async function usmoeSelect(scores: Tensor, options: UsmoeOptions = {}, context?: RouteContext, threshold?: CausalThreshold): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('usmoe', scores);
  const o = resolve(options, experts);
  const groupSize = groupSizeOf('usmoe', tokens, context);
  const budget = usmoeBudget(o.topK, groupSize);
  const unified = unifiedScore(scores, o.alpha, o.sigmoidScale);
  let kept: KeptPairs;
  const stats: Record<string, number> = { budget, topK: o.topK };
  if (!context?.causal) {
    kept = await chooseBySequence(unified, budget, groupSize);
  } else {
    if (!threshold) throw new Error('usmoe: the causal form keeps a threshold between batches; route through a UsmoeSelection rule (or a router), not the bare function');
    const f = (await unified.data()) as Float32Array;
    const { calibrated, ...pairs } = threshold.route('usmoe', f, tokens, experts, o.topK);
    kept = pairs;
    if (context.training || context.calibrate) threshold.update(Float32Array.of(observedThreshold(f, budget, groupSize, experts)));
    Object.assign(stats, { causal: 1, calibrated: calibrated ? 1 : 0 });
  }
  const weights = o.renormalize ? renormalizeOverSelection(unified, kept.position) : unified;
  return buildPlan({ tokens, experts, ...kept, weights, probabilities: unified, stats });
}

/** The USMoE rule. */
export class UsmoeSelection implements SelectionRule {
  readonly name = 'usmoe';
  readonly options: Readonly<Required<UsmoeOptions>>;
  readonly threshold: CausalThreshold;

  /** Whether each token's weights sum to 1 (renormalize). */
  get normalized(): boolean {
    return this.options.renormalize;
  }

  constructor(options: UsmoeOptions, readonly experts: number) {
    this.options = Object.freeze(resolve(options, experts));
    this.threshold = new CausalThreshold(1, this.options.thresholdMomentum);
  }

  select(scores: Tensor, context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    return usmoeSelect(scores, this.options, context, this.threshold);
  }

  /** The causal threshold, once calibrated. */
  state(): Record<string, Float32Array> {
    return this.threshold.state();
  }

  /** Restores what `state()` returned. */
  loadState(state: Record<string, Float32Array>): void {
    this.threshold.load(state, 'usmoe');
  }
}
