/**
 * Dynamic top-p routing ("Harder Tasks Need More Experts: Dynamic Routing in MoE Models",
 * Huang et al. 2024): each token adds experts in order of probability until their cumulative
 * probability reaches p, so confident tokens use one expert and hard ones several.
 *
 *   P = softmax_j(S);  sort P_i descending;  keep the shortest prefix with Σ ≥ p (at most maxK)
 *   w_ij = P_ij (optionally renormalised over the kept experts)
 *
 * Defaults: threshold p 0.4 (the paper's), maxK N, renormalize false. Ties go to the lower
 * expert index.
 */
import { softmax, topk, type Tensor } from '@smoe/tensor';
import { buildPlan, renormalizeOverSelection } from '../build-plan.js';
import { checkBoolean, checkKeys, orDefault, checkInteger, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { checkScores, type SelectionRule } from './rule.js';

/** Options of top-p routing. */
export interface TopPOptions {
  /** Cumulative probability to reach, in (0, 1]. Default 0.4. */
  threshold?: number;
  /** Most experts per token. Default: all. */
  maxK?: number;
  /** Renormalise the kept weights to sum to 1. Default false. */
  renormalize?: boolean;
}

export const topPKeys = ['threshold', 'maxK', 'renormalize'];

function resolve(options: TopPOptions, experts: number): Required<TopPOptions> {
  const where = 'topP';
  checkKeys(where, options, topPKeys);
  return {
    threshold: checkNumber(where, 'threshold', orDefault<unknown>(options.threshold, 0.4), 0, 1, { min: true }),
    maxK: checkInteger(where, 'maxK', orDefault<unknown>(options.maxK, experts), 1, experts, 'the number of experts'),
    renormalize: checkBoolean(where, 'renormalize', orDefault<unknown>(options.renormalize, false)),
  };
}

/** Top-p routing of scores S: [tokens, experts]. */
export async function topPSelect(scores: Tensor, options: TopPOptions = {}): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('topP', scores);
  const o = resolve(options, experts);
  const probabilities = softmax(scores);
  // [tokens, experts]: every row sorted, largest first.
  const sorted = topk(probabilities, experts);
  const [values, order] = await Promise.all([sorted.values.data(), sorted.indices.data()]);
  const token: number[] = [];
  const expert: number[] = [];
  const position: number[] = [];
  for (let t = 0; t < tokens; t++) {
    let cumulative = 0;
    for (let r = 0; r < o.maxK; r++) {
      const e = order[t * experts + r];
      token.push(t);
      expert.push(e);
      position.push(t * experts + e);
      cumulative += values[t * experts + r];
      if (cumulative >= o.threshold - 1e-7) break;
    }
  }
  let weights = probabilities;
  if (o.renormalize) weights = renormalizeOverSelection(probabilities, position);
  return buildPlan({
    tokens,
    experts,
    token: Int32Array.from(token),
    expert: Int32Array.from(expert),
    weights,
    position: Int32Array.from(position),
    probabilities,
    stats: { threshold: o.threshold },
  });
}

/** The top-p rule. */
export class TopPSelection implements SelectionRule {
  readonly name = 'topP';
  readonly options: Readonly<Required<TopPOptions>>;

  /** Whether each token's weights sum to 1 (renormalize). */
  get normalized(): boolean {
    return this.options.renormalize;
  }

  constructor(options: TopPOptions, readonly experts: number) {
    this.options = Object.freeze(resolve(options, experts));
  }

  select(scores: Tensor, _context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    return topPSelect(scores, this.options);
  }
}
