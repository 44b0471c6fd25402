/**
 * gshard — GShard top-2 routing with a capacity ("GShard: Scaling Giant Models with
 * Conditional Computation and Automatic Sharding", Lepikhin et al. 2020).
 *
 *   p = softmax(x·W_g);  the two best experts; w = p of each, renormalised over the two
 *   C = ceil(capacityFactor · 2 · T / N); every first choice is admitted before any second
 *   choice, each in arrival order; overflow pairs are dropped
 *   aux loss = 0.01 · balance (+ 0.001 · z)
 *
 * (GShard's random dispatch of the second expert is not reproduced: the second choice is
 * always kept when it fits.) Defaults: topK 2, weighting 'softmax', renormalize true,
 * capacityFactor 1.25, evalCapacityFactor 2.0, dropPolicy 'arrival'.
 */
import type { RouterConfig } from '../registry.js';
import { TokenChoiceRouter, type TokenChoicePreset, type TokenChoiceRouterOptions, type WithoutShape } from './token-choice.js';

export const gshardPreset: TokenChoicePreset = {
  strategy: 'gshard',
  rule: { topK: 2, weighting: 'softmax', renormalize: true, capacityFactor: 1.25, evalCapacityFactor: 2.0, dropPolicy: 'arrival' },
  losses: { balance: 0.01, z: 1e-3, importance: 0 },
};

/** GShard top-2 routing with capacity. */
export class GShardRouter extends TokenChoiceRouter {
  constructor(options: TokenChoiceRouterOptions) {
    super(options, gshardPreset);
  }
}

/** A gshard configuration. */
export function gshard(options: WithoutShape<TokenChoiceRouterOptions> = {}): RouterConfig {
  return { strategy: 'gshard', ...options };
}
