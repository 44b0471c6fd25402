/**
 * batchPrioritized — V-MoE's batch-prioritised routing ("Scaling Vision with Sparse Mixture
 * of Experts", Riquelme et al. 2021): under a capacity, tokens are admitted in the order of
 * their largest gate weight instead of their position, so the tokens the router is most sure
 * of are the last to be dropped — which lets the capacity factor go below 1 gracefully.
 *
 *   p = softmax(x·W_g); top-k; w = p (not renormalised)
 *   priority_i = max_j w_ij; admission by choice rank, then priority descending
 *   C = ceil(capacityFactor · k · T / N)
 *
 * Defaults: topK 2, weighting 'softmax', capacityFactor 1.25, evalCapacityFactor 2.0,
 * dropPolicy 'priority', balanceLossWeight 0.01, zLossWeight 1e-3.
 */
import type { RouterConfig } from '../registry.js';
import { TokenChoiceRouter, type TokenChoicePreset, type TokenChoiceRouterOptions, type WithoutShape } from './token-choice.js';

export const batchPrioritizedPreset: TokenChoicePreset = {
  strategy: 'batchPrioritized',
  rule: { topK: 2, weighting: 'softmax', renormalize: false, capacityFactor: 1.25, evalCapacityFactor: 2.0, dropPolicy: 'priority' },
  losses: { balance: 0.01, z: 1e-3, importance: 0 },
};

/** Top-k routing with priority-ordered capacity. */
export class BatchPrioritizedRouter extends TokenChoiceRouter {
  constructor(options: TokenChoiceRouterOptions) {
    super(options, batchPrioritizedPreset);
  }
}

/** A batchPrioritized configuration. */
export function batchPrioritized(options: WithoutShape<TokenChoiceRouterOptions> = {}): RouterConfig {
  return { strategy: 'batchPrioritized', ...options };
}
