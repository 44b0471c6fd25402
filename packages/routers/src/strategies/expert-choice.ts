/**
 * expertChoice — expert-choice routing with a linear gate ("Mixture-of-Experts with Expert
 * Choice Routing", Zhou et al. 2022).
 *
 *   S = x·W_g;  P = softmax_j(S);  every expert takes its top C = floor(T_g·k/N) tokens of
 *   each group (context.groupSize, one sequence or image); w_ij = P_ij
 *
 * Perfect load balance by construction, so no balance loss; tokens may get 0 experts.
 *
 * In causal models (context.causal) each expert's choice becomes a per-token threshold
 * calibrated on past batches, so no token's routing depends on later tokens
 * (docs/routing.md §2; selection/expert-choice.ts).
 *
 * Defaults: topK (k) 2, thresholdMomentum 0.99, balanceLossWeight 0, zLossWeight 0,
 * W_g ~ N(0, 0.1/d).
 */
import { checkKeys, pick } from '../options.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { ExpertChoiceSelection, expertChoiceKeys, type ExpertChoiceOptions } from '../selection/expert-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of expertChoice. */
export interface ExpertChoiceRouterOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, ExpertChoiceOptions {}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, ...expertChoiceKeys];

/** A linear gate with expert-choice selection. */
export class ExpertChoiceRouter extends ScoredRouter {
  constructor(options: ExpertChoiceRouterOptions) {
    const where = 'expertChoice';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    super({
      strategy: where,
      scorer,
      selection: new ExpertChoiceSelection(pick(options, expertChoiceKeys), scorer.experts),
      lossWeights: resolveLossWeights(where, options, { balance: 0, z: 0, importance: 0 }),
    });
  }
}

/** An expertChoice configuration. */
export function expertChoice(options: WithoutShape<ExpertChoiceRouterOptions> = {}): RouterConfig {
  return { strategy: 'expertChoice', ...options };
}
