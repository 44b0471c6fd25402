/**
 * switch — Switch Transformer routing: top-1 with a capacity ("Switch Transformers: Scaling
 * to Trillion Parameter Models with Simple and Efficient Sparsity", Fedus et al. 2021).
 *
 *   p = softmax(x·W_g);  e_i = argmax_j p_ij;  w_i = p_{i,e_i} (not renormalised: the gradient
 *   reaches W_g through the kept probability)
 *   C = ceil(capacityFactor · T / N); pairs beyond C are dropped in arrival order
 *   aux loss = 0.01 · N · Σ_j f_j P_j (+ 0.001 · z-loss)
 *
 * Defaults: topK 1, weighting 'softmax', capacityFactor 1.25 (training), evalCapacityFactor
 * 2.0, dropPolicy 'arrival', balanceLossWeight 0.01, zLossWeight 1e-3. Every tokenChoice
 * option applies.
 */
import type { RouterConfig } from '../registry.js';
import { TokenChoiceRouter, type TokenChoicePreset, type TokenChoiceRouterOptions, type WithoutShape } from './token-choice.js';

export const switchPreset: TokenChoicePreset = {
  strategy: 'switch',
  rule: { topK: 1, weighting: 'softmax', renormalize: false, capacityFactor: 1.25, evalCapacityFactor: 2.0, dropPolicy: 'arrival' },
  losses: { balance: 0.01, z: 1e-3, importance: 0 },
};

/** Switch top-1 routing with capacity. */
export class SwitchRouter extends TokenChoiceRouter {
  constructor(options: TokenChoiceRouterOptions) {
    super(options, switchPreset);
  }
}

/** A switch configuration. */
export function switchRouting(options: WithoutShape<TokenChoiceRouterOptions> = {}): RouterConfig {
  return { strategy: 'switch', ...options };
}
