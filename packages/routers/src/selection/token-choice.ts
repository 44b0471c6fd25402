/**
 * Token choice (TC): each token picks its k best experts by row — the classic sparse MoE
 * ("Outrageously Large Neural Networks", Shazeer et al. 2017; GShard, Lepikhin et al. 2020;
 * Switch Transformers, Fedus et al. 2021; DeepSeek-V3, 2024, for sigmoid gating).
 *
 *   idx_i = top-k_j H_ij          H = S (+ a selection-only bias b_j)
 *   weighting 'softmaxTopK':  w_ij = softmax over the k selected S_ij       (the authors' code)
 *   weighting 'softmax':      w_ij = softmax_j(S_i)[j], optionally renormalised over the k
 *   weighting 'sigmoid':      w_ij = σ(S_ij) (selection by σ(S) + b), renormalised by default
 *   capacity (optional):      C = ceil(capacityFactor · k · T / N); overflow pairs are dropped
 *                             in arrival or priority order (see capacity.ts)
 *
 * Defaults: topK 2, weighting 'softmaxTopK', renormalize false ('sigmoid': true), dropless
 * (capacityFactor null), evalCapacityFactor = capacityFactor, dropPolicy 'arrival'.
 * Ties go to the lower expert index.
 */
import { add, div, gather, sigmoid, softmax, sum, topk, type Tensor } from '@smoe/tensor';
import { applyCapacity, capacityFor, type DropPolicy } from '../capacity.js';
import { buildPlan } from '../build-plan.js';
import { RouterConfigError, checkBoolean, capacityFactorOption, checkKeys, orDefault, checkInteger, checkOneOf } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { checkScores, groupSizeOf, type SelectionRule } from './rule.js';

/** How the selected experts' weights are computed. */
export type Weighting = 'softmaxTopK' | 'softmax' | 'sigmoid';
export const weightings: readonly Weighting[] = ['softmaxTopK', 'softmax', 'sigmoid'];

/** Options of `tokenChoiceSelect`. */
export interface TokenChoiceSelectOptions {
  /** Experts per token, an integer in [1, experts]. Default 2. */
  topK?: number;
  /** Default 'softmaxTopK'. */
  weighting?: Weighting;
  /** Renormalise the k weights to sum to 1 ('softmax', 'sigmoid'). Default false, true for 'sigmoid'. */
  renormalize?: boolean;
  /** C = ceil(capacityFactor · k · T / N); null or 0: dropless. Default null. */
  capacityFactor?: number | null;
  /** Explicit per-expert capacity in pairs (a positive integer); overrides capacityFactor. */
  capacity?: number;
  /** Admission order under capacity. Default 'arrival'. */
  dropPolicy?: DropPolicy;
  /** [experts]: added to the selection scores only, never to the weights (auxiliary-loss-free balancing). */
  selectionBias?: Tensor;
  /** Tokens per sequence of a causal model: capacity admits position-major (see capacity.ts). */
  causalGroupSize?: number;
}

/** Options of the token-choice rule: the above, plus the capacity factor used at evaluation. */
export interface TokenChoiceRuleOptions extends Omit<TokenChoiceSelectOptions, 'selectionBias'> {
  /** Capacity factor when `context.training` is false. Default: capacityFactor. */
  evalCapacityFactor?: number | null;
}

const selectKeys = ['topK', 'weighting', 'renormalize', 'capacityFactor', 'capacity', 'dropPolicy', 'selectionBias', 'causalGroupSize'];
export const tokenChoiceRuleKeys = ['topK', 'weighting', 'renormalize', 'capacityFactor', 'evalCapacityFactor', 'capacity', 'dropPolicy'];

interface Resolved {
  topK: number;
  weighting: Weighting;
  renormalize: boolean;
  capacityFactor: number | null;
  capacity: number | undefined;
  dropPolicy: DropPolicy;
}

function resolve(where: string, options: TokenChoiceSelectOptions, experts: number): Resolved {
  const weighting = checkOneOf(where, 'weighting', orDefault<unknown>(options.weighting, 'softmaxTopK'), weightings);
  return {
    topK: checkInteger(where, 'topK', orDefault<unknown>(options.topK, 2), 1, experts, 'the number of experts'),
    weighting,
    renormalize: checkBoolean(where, 'renormalize', orDefault<unknown>(options.renormalize, weighting === 'sigmoid')),
    capacityFactor: capacityFactorOption(where, 'capacityFactor', orDefault<unknown>(options.capacityFactor, null)),
    capacity: options.capacity === undefined ? undefined : checkInteger(where, 'capacity', options.capacity, 1, Infinity, 'pairs per expert'),
    dropPolicy: checkOneOf(where, 'dropPolicy', orDefault<unknown>(options.dropPolicy, 'arrival'), ['arrival', 'priority'] as const),
  };
}

/** Token-choice top-k routing of scores S: [tokens, experts]. */
export async function tokenChoiceSelect(scores: Tensor, options: TokenChoiceSelectOptions = {}): Promise<RoutingPlan> {
  const where = 'tokenChoice';
  checkKeys(where, options, selectKeys);
  const [tokens, experts] = checkScores(where, scores);
  const o = resolve(where, options, experts);
  const bias = options.selectionBias;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== experts)) throw new Error(`${where}: selectionBias must have shape [${experts}], got ${bias}`);
  const k = o.topK;
  // [tokens, experts]: σ(S) for sigmoid gating, else softmax(S).
  const probabilities = o.weighting === 'sigmoid' ? sigmoid(scores) : softmax(scores);
  const base = o.weighting === 'sigmoid' ? probabilities : scores;
  const { indices } = topk(bias ? add(base, bias) : base, k);
  // [tokens, k]: weights of the selected experts, differentiable to S.
  let weights: Tensor;
  if (o.weighting === 'softmaxTopK') {
    weights = softmax(gather(scores, indices));
  } else {
    const picked = gather(probabilities, indices);
    weights = o.renormalize ? div(picked, sum(picked, -1, true)) : picked;
  }
  const choices = (await indices.data()) as Int32Array;
  const capacity = o.capacity ?? capacityFor(o.capacityFactor, k, tokens, experts);
  let kept: Uint8Array | undefined;
  if (Number.isFinite(capacity)) {
    let priority: Float32Array | undefined;
    if (o.dropPolicy === 'priority') {
      const w = (await weights.data()) as Float32Array;
      priority = new Float32Array(tokens);
      for (let t = 0; t < tokens; t++) {
        let m = -Infinity;
        for (let r = 0; r < k; r++) m = Math.max(m, w[t * k + r]);
        priority[t] = m;
      }
    }
    kept = applyCapacity(choices, tokens, k, experts, capacity, o.dropPolicy, priority, options.causalGroupSize);
  }
  const demand = new Int32Array(experts);
  const token: number[] = [];
  const expert: number[] = [];
  const position: number[] = [];
  const droppedToken: number[] = [];
  const droppedExpert: number[] = [];
  for (let t = 0; t < tokens; t++) {
    for (let r = 0; r < k; r++) {
      const e = choices[t * k + r];
      demand[e]++;
      if (!kept || kept[t * k + r]) {
        token.push(t);
        expert.push(e);
        position.push(t * k + r);
      } else {
        droppedToken.push(t);
        droppedExpert.push(e);
      }
    }
  }
  return buildPlan({
    tokens,
    experts,
    token: Int32Array.from(token),
    expert: Int32Array.from(expert),
    weights,
    position: Int32Array.from(position),
    demand,
    capacity: Number.isFinite(capacity) ? capacity : undefined,
    droppedToken: Int32Array.from(droppedToken),
    droppedExpert: Int32Array.from(droppedExpert),
    probabilities,
    stats: { topK: k, ...(Number.isFinite(capacity) ? { capacity } : {}) },
  });
}

/** The token-choice rule: `tokenChoiceSelect` with a training and an evaluation capacity factor. */
export class TokenChoiceSelection implements SelectionRule {
  readonly name = 'tokenChoice';
  readonly options: Readonly<TokenChoiceRuleOptions>;
  readonly normalized: boolean;

  /**
   * `owner` names the strategy in configuration errors. `weightsTrainRouter` false for
   * strategies whose router learns by another signal (CompeteSMoE's imitation loss), which may
   * then use a softmax over a single selected expert.
   */
  constructor(options: TokenChoiceRuleOptions, readonly experts: number, owner = 'tokenChoice', { weightsTrainRouter = true } = {}) {
    checkKeys(owner, options, tokenChoiceRuleKeys);
    const o = resolve(owner, options, experts);
    if (weightsTrainRouter && o.topK === 1 && o.weighting === 'softmaxTopK') {
      throw new RouterConfigError(owner, 'weighting', o.weighting, "'softmax' or 'sigmoid' with topK = 1: a softmax over one selected expert is exactly 1 for every token, so the router would get no gradient (Switch Transformers use the softmax over all experts, weighting 'softmax')");
    }
    const evalCapacityFactor = capacityFactorOption(owner, 'evalCapacityFactor', orDefault<unknown>(options.evalCapacityFactor, o.capacityFactor));
    this.options = Object.freeze({ ...o, evalCapacityFactor });
    this.normalized = o.weighting === 'softmaxTopK' || o.renormalize;
  }

  select(scores: Tensor, context: RouteContext, overrides: Partial<TokenChoiceSelectOptions> = {}): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    const { evalCapacityFactor, capacityFactor, ...rest } = this.options;
    const causalGroupSize = context.causal ? groupSizeOf(this.name, scores.shape[0], context) : undefined;
    return tokenChoiceSelect(scores, { ...rest, capacityFactor: context.training ? capacityFactor : evalCapacityFactor, causalGroupSize, ...overrides });
  }
}
