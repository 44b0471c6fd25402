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
 * Causal form (context.causal, the default in decoders; docs/routing.md §2): an expert that
 * chooses among all tokens of a sequence lets a token's routing depend on later tokens. The
 * causal rule keeps pair (i, j) iff P_ij ≥ τ̄_j, where τ̄_j is a moving average over training
 * batches of the C-th largest P_ij of expert j's column (see causal-threshold.ts); before the
 * first training batch it keeps each token's round(k) best experts.
 *
 * Defaults: topK 2, capacity from topK, thresholdMomentum 0.99. Ties go to the lower token index.
 */
import { permute, reshape, softmax, topk, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { checkKeys, orDefault, checkInteger, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { CausalThreshold, defaultThresholdMomentum, kthLargest, type KeptPairs } from './causal-threshold.js';
import { checkScores, groupSizeOf, type SelectionRule } from './rule.js';

/** Options of expert choice. */
export interface ExpertChoiceOptions {
  /** Average experts per token k (C = T_g·k/N per expert), in (0, experts]. Default 2. */
  topK?: number;
  /** Explicit tokens per expert per group, overriding topK. */
  capacity?: number;
  /** Momentum of the causal form's per-expert thresholds, in [0, 1). Default 0.99. */
  thresholdMomentum?: number;
}

export const expertChoiceKeys = ['topK', 'capacity', 'thresholdMomentum'];

type Resolved = Required<Omit<ExpertChoiceOptions, 'capacity'>> & { capacity?: number };

function resolve(options: ExpertChoiceOptions, experts: number): Resolved {
  const where = 'expertChoice';
  checkKeys(where, options, expertChoiceKeys);
  return {
    topK: checkNumber(where, 'topK', orDefault<unknown>(options.topK, 2), 0, experts, { min: true }, 'average experts per token, at most the number of experts'),
    capacity: options.capacity === undefined ? undefined : checkInteger(where, 'capacity', options.capacity, 1, Infinity, 'tokens per expert'),
    thresholdMomentum: checkNumber(where, 'thresholdMomentum', orDefault<unknown>(options.thresholdMomentum, defaultThresholdMomentum), 0, 1, { max: true }),
  };
}

/** Tokens per expert in a group: `capacity`, or floor(T_g · k / N). */
function capacityOf(o: Resolved, groupSize: number, experts: number): number {
  const capacity = o.capacity ?? Math.max(1, Math.floor((groupSize * o.topK) / experts + 1e-9));
  if (capacity > groupSize) throw new Error(`expertChoice: capacity = ${capacity} tokens per expert exceeds the ${groupSize} tokens of a group`);
  return capacity;
}

/** Each expert's C-th largest P in its column of each group (host P [tokens, experts]), averaged over groups: the causal form's τ_b. */
function observedThresholds(p: Float32Array, capacity: number, groupSize: number, experts: number): Float32Array {
  const groups = p.length / (groupSize * experts);
  const threshold = new Float32Array(experts);
  const column = new Float32Array(groupSize);
  for (let g = 0; g < groups; g++) {
    for (let e = 0; e < experts; e++) {
      for (let t = 0; t < groupSize; t++) column[t] = p[(g * groupSize + t) * experts + e];
      threshold[e] += kthLargest(column, capacity) / groups;
    }
  }
  return threshold;
}

/** The sequence-level rule: each expert's top-C tokens of each group, and C. */
async function chooseBySequence(probabilities: Tensor, o: Resolved, groupSize: number): Promise<KeptPairs & { capacity: number }> {
  const [tokens, experts] = probabilities.shape;
  const groups = tokens / groupSize;
  const capacity = capacityOf(o, groupSize, experts);
  // [groups, experts, groupSize]: choose by column.
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
  return { token, expert, position, capacity };
}

/**
 * Expert-choice routing of scores S: [tokens, experts], per group of `context.groupSize`
 * tokens. With `context.causal` the causal form needs the rule's `threshold` state (use
 * `ExpertChoiceSelection`).
 */
export async function expertChoiceSelect(scores: Tensor, options: ExpertChoiceOptions = {}, context?: RouteContext, threshold?: CausalThreshold): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('expertChoice', scores);
  const o = resolve(options, experts);
  const groupSize = groupSizeOf('expertChoice', tokens, context);
  const probabilities = softmax(scores); // [tokens, experts]
  if (!context?.causal) {
    const { token, expert, position, capacity } = await chooseBySequence(probabilities, o, groupSize);
    return buildPlan({ tokens, experts, token, expert, position, weights: probabilities, probabilities, stats: { capacity } });
  }
  if (!threshold) throw new Error('expertChoice: the causal form keeps per-expert thresholds between batches; route through an ExpertChoiceSelection rule (or a router), not the bare function');
  const p = (await probabilities.data()) as Float32Array;
  const { calibrated, ...kept } = threshold.route('expertChoice', p, tokens, experts, o.topK);
  const stats: Record<string, number> = { causal: 1, calibrated: calibrated ? 1 : 0 };
  if (context.training || context.calibrate) {
    const capacity = capacityOf(o, groupSize, experts);
    threshold.update(observedThresholds(p, capacity, groupSize, experts));
    stats.capacity = capacity;
  }
  return buildPlan({ tokens, experts, ...kept, weights: probabilities, probabilities, stats });
}

/** The expert-choice rule; in causal models it keeps its per-expert thresholds (saved with the router). */
export class ExpertChoiceSelection implements SelectionRule {
  readonly name = 'expertChoice';
  readonly options: Readonly<Resolved>;
  readonly threshold: CausalThreshold;

  constructor(options: ExpertChoiceOptions, readonly experts: number) {
    this.options = Object.freeze(resolve(options, experts));
    this.threshold = new CausalThreshold(experts, this.options.thresholdMomentum);
  }

  select(scores: Tensor, context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    return expertChoiceSelect(scores, this.options, context, this.threshold);
  }

  /** The causal thresholds, once calibrated. */
  state(): Record<string, Float32Array> {
    return this.threshold.state();
  }

  /** Restores what `state()` returned. */
  loadState(state: Record<string, Float32Array>): void {
    this.threshold.load(state, 'expertChoice');
  }
}
