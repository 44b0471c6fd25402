/**
 * baseLayer — BASE layers: balanced assignment of tokens to experts ("BASE Layers: Simplifying
 * Training of Large, Sparse Models", Lewis, Bhosale, Dettmers, Goyal and Zettlemoyer, 2021).
 *
 *   S = x·W_g
 *   training:   a = argmax_a Σ_t S_{t, a(t)}  with exactly T/N tokens per expert  (an exact
 *               linear assignment over all tokens of the batch; see selection/balanced-assignment.ts)
 *   evaluation: a(t) = argmax_e S_te  (greedy, as the paper)
 *   w_t = σ(S_{t, a(t)});  no auxiliary loss: the balance is a constraint, not a penalty
 *
 * In training a token's expert depends on every other token of the batch, so the routing is
 * causal only at evaluation. Defaults: evaluation 'greedy', all loss weights 0, W_g ~ N(0, 0.1/d).
 */
import { checkKeys, pick } from '../options.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { BalancedAssignmentSelection, balancedAssignmentKeys, type BalancedAssignmentOptions } from '../selection/balanced-assignment.js';
import type { WithoutShape } from './token-choice.js';

/** Options of baseLayer. */
export interface BaseLayerOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, BalancedAssignmentOptions {}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, ...balancedAssignmentKeys];

/** A linear gate with balanced assignment. */
export class BaseLayerRouter extends ScoredRouter {
  declare scorer: LinearScorer;

  constructor(options: BaseLayerOptions) {
    const where = 'baseLayer';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    const selection = new BalancedAssignmentSelection(pick(options, balancedAssignmentKeys), scorer.experts, where);
    super({ strategy: where, scorer, selection, lossWeights: resolveLossWeights(where, options, { balance: 0, z: 0, importance: 0 }) });
  }
}

/** A baseLayer configuration. */
export function baseLayer(options: WithoutShape<BaseLayerOptions> = {}): RouterConfig {
  return { strategy: 'baseLayer', ...options };
}
