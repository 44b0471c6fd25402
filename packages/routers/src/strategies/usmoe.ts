/**
 * usmoe — Unified Sparse Mixture of Experts with a linear gate (the seed paper "Unified
 * Sparse Mixture of Experts").
 *
 *   S = x·W_g
 *   F = α·softmax_j(S) + (1 − α)·(2/N)·σ(S)              unified score
 *   per group (one sequence or image): keep the global top c = floor(k̄·T_g) pairs of F
 *   w_ij = F_ij (not renormalised unless asked)
 *
 * k̄ may be fractional (1.5 experts per token on average): the compute/accuracy knob behind
 * the paper's "up to 14 % lower inference cost". No auxiliary loss in the authors' code. For
 * the training-free setting on a trained token-choice router use
 * `withSelection(router, 'usmoe', { topK, alpha })`.
 *
 * Defaults: topK (k̄) 2, alpha 0.5 (the paper's best range is 0.3–0.7), sigmoidScale 2/N,
 * renormalize false, balanceLossWeight 0, zLossWeight 0, W_g ~ N(0, 0.1/d).
 */
import { checkKeys, pick } from '../options.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { UsmoeSelection, usmoeKeys, type UsmoeOptions } from '../selection/usmoe.js';
import type { WithoutShape } from './token-choice.js';

/** Options of usmoe. */
export interface UsmoeRouterOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, UsmoeOptions {}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, ...usmoeKeys];

/** A linear gate with the USMoE unified score and global top-c selection. */
export class UsmoeRouter extends ScoredRouter {
  constructor(options: UsmoeRouterOptions) {
    const where = 'usmoe';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    super({ strategy: where, scorer, selection: new UsmoeSelection(pick(options, usmoeKeys), scorer.experts), lossWeights: resolveLossWeights(where, options, { balance: 0, z: 0, importance: 0 }) });
  }
}

/** A usmoe configuration, e.g. `usmoe({ topK: 1.5, alpha: 0.5 })`. */
export function usmoe(options: WithoutShape<UsmoeRouterOptions> = {}): RouterConfig {
  return { strategy: 'usmoe', ...options };
}
