/**
 * tokenChoice — token-choice top-k routing with a linear gate, the classic sparse MoE
 * ("Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer",
 * Shazeer et al. 2017; the "SMoE" baseline of the USMoE and VQMoE papers).
 *
 *   S = x·W_g;  idx_i = top-k_j S_ij;  w = softmax over the k selected S_ij
 *   (or softmax over all N, optionally renormalised; or σ(S), see selection/token-choice.ts)
 *   optional capacity C = ceil(capacityFactor·k·T/N) with dropping by arrival or priority
 *   aux loss = 0.01·L_balance + 0.001·L_z
 *
 * Defaults: topK 2, weighting 'softmaxTopK', dropless, balanceLossWeight 0.01,
 * zLossWeight 1e-3, importanceLossWeight 0, W_g ~ N(0, 0.1/d), no gate bias.
 */
import { checkKeys, pick } from '../options.js';
import type { RouterConfig } from '../registry.js';
import {
  LinearScorer,
  ScoredRouter,
  baseKeys,
  linearGateKeys,
  lossWeightKeys,
  resolveLossWeights,
  type LinearGateOptions,
  type LossWeightOptions,
  type LossWeights,
  type RouterBaseOptions,
} from '../router.js';
import { TokenChoiceSelection, tokenChoiceRuleKeys, type TokenChoiceRuleOptions } from '../selection/token-choice.js';

/** Options of the token-choice family (tokenChoice, switch, gshard, batchPrioritized). */
export interface TokenChoiceRouterOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, TokenChoiceRuleOptions {}

/** A preset: the strategy name and its defaults. */
export interface TokenChoicePreset {
  strategy: string;
  rule: TokenChoiceRuleOptions;
  losses: LossWeights;
}

export const tokenChoicePreset: TokenChoicePreset = {
  strategy: 'tokenChoice',
  rule: { topK: 2, weighting: 'softmaxTopK', capacityFactor: null, dropPolicy: 'arrival' },
  losses: { balance: 0.01, z: 1e-3, importance: 0 },
};

export const tokenChoiceKeys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, ...tokenChoiceRuleKeys];

/** A linear gate with token-choice selection. */
export class TokenChoiceRouter extends ScoredRouter {
  constructor(options: TokenChoiceRouterOptions, preset: TokenChoicePreset = tokenChoicePreset) {
    checkKeys(preset.strategy, options, tokenChoiceKeys);
    const scorer = new LinearScorer(preset.strategy, options);
    const selection = new TokenChoiceSelection({ ...preset.rule, ...pick(options, tokenChoiceRuleKeys) }, scorer.experts, preset.strategy);
    super({ strategy: preset.strategy, scorer, selection, lossWeights: resolveLossWeights(preset.strategy, options, preset.losses) });
  }
}

/** Options without the sizes (the MoE layer supplies experts and dim). */
export type WithoutShape<T> = Omit<T, 'experts' | 'dim'>;

/** A tokenChoice configuration for createRouter / the MoE layer. */
export function tokenChoice(options: WithoutShape<TokenChoiceRouterOptions> = {}): RouterConfig {
  return { strategy: 'tokenChoice', ...options };
}
