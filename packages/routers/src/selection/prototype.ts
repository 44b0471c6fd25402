/**
 * Expert prototyping ("M6-T: Exploring Sparse Expert Models and Beyond", Yang, Lin, Men et al.
 * 2021): the N experts are split into k prototypes (groups) of N/k experts each, and every token
 * takes the top-1 expert of each group, with the group's own softmax as its weight — k experts
 * per token, one per group, at the cost of top-k.
 *
 *   group g holds experts g·N/k … (g+1)·N/k − 1
 *   P_tj = softmax over the experts of j's group of S_t          [tokens, experts]
 *   e_tg = argmax_{j in group g} P_tj;   w_{t, e_tg} = P_{t, e_tg}
 *
 * Defaults: groups 2. Ties go to the lower expert index.
 */
import { reshape, softmax, topk, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { checkKeys, orDefault, checkInteger } from '../options.js';
import { RouterConfigError } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { checkScores, type SelectionRule } from './rule.js';

/** Options of expert prototyping. */
export interface PrototypeOptions {
  /** Number of prototypes k (groups; each token gets one expert from each). Divides the number of experts. Default 2. */
  groups?: number;
}

export const prototypeKeys = ['groups'];

function resolveGroups(where: string, options: PrototypeOptions, experts: number): number {
  checkKeys(where, options, prototypeKeys);
  const groups = checkInteger(where, 'groups', orDefault<unknown>(options.groups, Math.min(2, experts)), 1, experts, 'the number of experts');
  if (experts % groups !== 0) throw new RouterConfigError(where, 'groups', groups, `a divisor of the ${experts} experts`);
  return groups;
}

/** Group-wise softmax of scores [tokens, experts] over `groups` equal groups of experts → [tokens, experts]. */
export function prototypeProbabilities(scores: Tensor, groups: number): Tensor {
  const [tokens, experts] = scores.shape;
  return reshape(softmax(reshape(scores, [tokens, groups, experts / groups])), [tokens, experts]);
}

/** Expert-prototyping routing of scores S: [tokens, experts]. */
export async function prototypeSelect(scores: Tensor, options: PrototypeOptions = {}): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('expertPrototyping', scores);
  const groups = resolveGroups('expertPrototyping', options, experts);
  const size = experts / groups;
  const probabilities = prototypeProbabilities(scores, groups);
  const best = (await topk(reshape(probabilities, [tokens, groups, size]), 1).indices.data()) as Int32Array; // [tokens, groups, 1]
  const token = new Int32Array(tokens * groups);
  const expert = new Int32Array(tokens * groups);
  const position = new Int32Array(tokens * groups);
  for (let t = 0; t < tokens; t++) {
    for (let g = 0; g < groups; g++) {
      const p = t * groups + g;
      token[p] = t;
      expert[p] = g * size + best[p];
      position[p] = t * experts + expert[p];
    }
  }
  return buildPlan({ tokens, experts, token, expert, weights: probabilities, position, probabilities, stats: { groups } });
}

/** The expert-prototyping rule. */
export class PrototypeSelection implements SelectionRule {
  readonly name = 'expertPrototyping';
  readonly options: Readonly<Required<PrototypeOptions>>;

  constructor(options: PrototypeOptions, readonly experts: number, owner = 'expertPrototyping') {
    this.options = Object.freeze({ groups: resolveGroups(owner, options, experts) });
  }

  select(scores: Tensor, _context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    return prototypeSelect(scores, this.options);
  }
}
