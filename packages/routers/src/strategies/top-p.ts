/**
 * topP — dynamic top-p routing with a linear gate ("Harder Tasks Need More Experts: Dynamic
 * Routing in MoE Models", Huang et al. 2024).
 *
 *   P = softmax(x·W_g); each token keeps its most probable experts until Σ P ≥ p; w = P
 *   aux loss = 1e-4 · mean_i H(P_i)  (the paper's dynamic loss: without it the router learns
 *              flat distributions that activate many experts) + 0.01 · balance
 *
 * Defaults: threshold p 0.4, maxK N, renormalize false, entropyLossWeight 1e-4,
 * balanceLossWeight 0.01, zLossWeight 0, W_g ~ N(0, 0.1/d).
 */
import type { Tensor } from '@smoe/tensor';
import { entropyLoss } from '../losses.js';
import { checkKeys, orDefault, lossWeight, pick } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { TopPSelection, topPKeys, type TopPOptions } from '../selection/top-p.js';
import type { WithoutShape } from './token-choice.js';

/** Options of topP. */
export interface TopPRouterOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, TopPOptions {
  /** Coefficient of the entropy (dynamic) loss. Default 1e-4. */
  entropyLossWeight?: number;
}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, ...topPKeys, 'entropyLossWeight'];

/** A linear gate with top-p selection. */
export class TopPRouter extends ScoredRouter {
  readonly entropyWeight: number;

  constructor(options: TopPRouterOptions) {
    const where = 'topP';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    super({ strategy: where, scorer, selection: new TopPSelection(pick(options, topPKeys), scorer.experts), lossWeights: resolveLossWeights(where, options, { balance: 0.01, z: 0, importance: 0 }) });
    this.entropyWeight = lossWeight(where, 'entropyLossWeight', orDefault(options.entropyLossWeight, 1e-4));
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const plan = await this.selection.select(scored.scores, context);
    return this.finish(plan, scored, this.entropyWeight > 0 ? { entropy: { loss: entropyLoss(scored.scores), weight: this.entropyWeight } } : {});
  }
}

/** A topP configuration. */
export function topP(options: WithoutShape<TopPRouterOptions> = {}): RouterConfig {
  return { strategy: 'topP', ...options };
}
