/**
 * Expert choice (EC): each expert picks its C best tokens by column ("Mixture-of-Experts
 * with Expert Choice Routing", Zhou et al. 2022).
 *
 *   P = softmax_j(S)                      (row-wise, over experts)
 *   for every expert j, within each group of T_g tokens: top-C_i P_ij
 *   C = max(1, floor(T_g · k / N))        k = average experts per token (fractional allowed)
 *   w_ij = P_ij for the selected pairs
 *
 * Perfect load balance by construction; a token may get 0 or several experts.
 *
 * Causality: an expert chooses among all tokens of the group, so in a causal language model a
 * token's routing depends on the tokens after it — expert choice leaks future tokens. With
 * `causalFallback`, evaluation and generation (context.training false) route by token choice
 * on the same scores (top-`fallbackTopK`, weights P_ij), which sees no other token.
 *
 * Defaults: topK 2, capacity from topK, causalFallback false, fallbackTopK round(topK).
 * Ties go to the lower token index.
 */
import { permute, reshape, softmax, topk, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { bool, checkKeys, defaultTo, integerIn, numberIn } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { checkScores, groupSizeOf, type SelectionRule } from './rule.js';
import { tokenChoiceSelect } from './token-choice.js';

/** Options of expert choice. */
export interface ExpertChoiceOptions {
  /** Average experts per token k (C = T_g·k/N per expert), in (0, experts]. Default 2. */
  topK?: number;
  /** Explicit tokens per expert per group, overriding topK. */
  capacity?: number;
  /** Route by token choice when context.training is false (no look-ahead). Default false. */
  causalFallback?: boolean;
  /** k of the fallback. Default round(topK), at least 1. */
  fallbackTopK?: number;
}

export const expertChoiceKeys = ['topK', 'capacity', 'causalFallback', 'fallbackTopK'];

function resolve(options: ExpertChoiceOptions, experts: number): Required<Omit<ExpertChoiceOptions, 'capacity'>> & { capacity?: number } {
  const where = 'expertChoice';
  checkKeys(where, options, expertChoiceKeys);
  const topK = numberIn(where, 'topK', defaultTo<unknown>(options.topK, 2), 0, experts, { min: true }, 'average experts per token, at most the number of experts');
  return {
    topK,
    capacity: options.capacity === undefined ? undefined : integerIn(where, 'capacity', options.capacity, 1, Infinity, 'tokens per expert'),
    causalFallback: bool(where, 'causalFallback', defaultTo<unknown>(options.causalFallback, false)),
    fallbackTopK: integerIn(where, 'fallbackTopK', defaultTo<unknown>(options.fallbackTopK, Math.min(experts, Math.max(1, Math.round(topK)))), 1, experts, 'the number of experts'),
  };
}

/** Expert-choice routing of scores S: [tokens, experts], per group of `context.groupSize` tokens. */
export async function expertChoiceSelect(scores: Tensor, options: ExpertChoiceOptions = {}, context?: RouteContext): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('expertChoice', scores);
  const o = resolve(options, experts);
  if (o.causalFallback && context && !context.training) {
    const plan = await tokenChoiceSelect(scores, { topK: o.fallbackTopK, weighting: 'softmax', renormalize: false });
    plan.stats.causalFallback = 1;
    return plan;
  }
  const groupSize = groupSizeOf('expertChoice', tokens, context);
  const groups = tokens / groupSize;
  const capacity = o.capacity ?? Math.max(1, Math.floor((groupSize * o.topK) / experts + 1e-9));
  if (capacity > groupSize) throw new Error(`expertChoice: capacity = ${capacity} tokens per expert exceeds the ${groupSize} tokens of a group`);
  // [tokens, experts] row softmax, then [groups, experts, groupSize] to choose by column.
  const probabilities = softmax(scores);
  const byExpert = permute(reshape(probabilities, [groups, groupSize, experts]), [0, 2, 1]);
  const chosen = (await topk(byExpert, capacity).indices.data()) as Int32Array;
  const pairs = groups * experts * capacity;
  const token = new Int32Array(pairs);
  const expert = new Int32Array(pairs);
  const position = new Int32Array(pairs);
  let p = 0;
  for (let g = 0; g < groups; g++) {
    for (let e = 0; e < experts; e++) {
      for (let c = 0; c < capacity; c++) {
        const t = g * groupSize + chosen[(g * experts + e) * capacity + c];
        token[p] = t;
        expert[p] = e;
        position[p] = t * experts + e;
        p++;
      }
    }
  }
  return buildPlan({ tokens, experts, token, expert, weights: probabilities, position, probabilities, stats: { capacity } });
}

/** The expert-choice rule. */
export class ExpertChoiceSelection implements SelectionRule {
  readonly name = 'expertChoice';
  readonly options: Readonly<ExpertChoiceOptions>;

  constructor(options: ExpertChoiceOptions, readonly experts: number) {
    this.options = Object.freeze(resolve(options, experts));
  }

  select(scores: Tensor, context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    return expertChoiceSelect(scores, this.options, context);
  }
}
