/**
 * noisyTopK — noisy top-k gating ("Outrageously Large Neural Networks: The Sparsely-Gated
 * Mixture-of-Experts Layer", Shazeer et al. 2017).
 *
 *   H = x·W_g + ε ⊙ (softplus(x·W_noise) + 0.01),  ε ~ N(0, 1), in training only (H = x·W_g at evaluation)
 *   G = softmax over the k selected H_ij (KeepTopK), 0 elsewhere
 *   L_importance = CV(Σ_i G_ij)²
 *   L_load = CV(Σ_i Φ((x·W_g)_ij − θ_ij) / σ_ij))², θ_ij the k-th largest H_i excluding (i, j)
 *   aux loss = importanceLossWeight·L_importance + loadLossWeight·L_load (load in training only)
 *
 * Defaults: topK 2, importanceLossWeight 0.01, loadLossWeight 0.01, balanceLossWeight 0,
 * zLossWeight 0, W_g ~ N(0, 0.1/d), W_noise = 0 (the paper initialises both to 0; a zero W_g
 * would tie every expert at evaluation). Capacity options of tokenChoice apply.
 */
import { add, init, matmul, mul, randn, softplus, type Tensor } from '@smoe/tensor';
import { denseWeights } from '../build-plan.js';
import { importanceLoss, noisyLoadLoss } from '../losses.js';
import { checkKeys, orDefault, lossWeight, pick } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import {
  LinearScorer,
  ScoredRouter,
  baseKeys,
  linearGateKeys,
  resolveLossWeights,
  Scorer,
  type LinearGateOptions,
  type LossWeightOptions,
  type RouterBaseOptions,
  type ScoreOutput,
} from '../router.js';
import { TokenChoiceSelection, tokenChoiceRuleKeys, type TokenChoiceRuleOptions } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of noisyTopK. */
export interface NoisyTopKOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions, TokenChoiceRuleOptions {
  /** Coefficient of Shazeer's load loss. Default 0.01. */
  loadLossWeight?: number;
}

/** The clean gate plus the learned noise scale. */
export class NoisyScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  gate: LinearScorer;
  /** [dim, experts] */
  noiseWeight: Tensor;
  /** The last call's clean logits and noise scale (training), for the load loss. */
  last: { clean: Tensor; noiseStd: Tensor } | undefined;

  constructor(options: RouterBaseOptions & LinearGateOptions) {
    super();
    this.gate = new LinearScorer('noisyTopK', options);
    this.experts = this.gate.experts;
    this.dim = this.gate.dim;
    this.noiseWeight = init.zeros([this.dim, this.experts]);
  }

  score(x: Tensor, context: RouteContext): ScoreOutput {
    this.checkInput('noisyTopK', x);
    const clean = this.gate.score(x).scores;
    this.last = undefined;
    if (!context.training) return { scores: clean };
    // [tokens, experts]
    const noiseStd = add(softplus(matmul(x, this.noiseWeight)), 0.01);
    const noise = randn(clean.shape, 1, { rng: context.rng });
    this.last = { clean, noiseStd };
    return { scores: add(clean, mul(noise, noiseStd)) };
  }
}

const keys = [...baseKeys, ...linearGateKeys, 'balanceLossWeight', 'zLossWeight', 'importanceLossWeight', 'loadLossWeight', ...tokenChoiceRuleKeys];

/** Noisy top-k gating with the importance and load losses. */
export class NoisyTopKRouter extends ScoredRouter {
  declare scorer: NoisyScorer;
  declare selection: TokenChoiceSelection;
  readonly importanceWeight: number;
  readonly loadWeight: number;

  constructor(options: NoisyTopKOptions) {
    const where = 'noisyTopK';
    checkKeys(where, options, keys);
    const scorer = new NoisyScorer(options);
    const selection = new TokenChoiceSelection({ topK: 2, weighting: 'softmaxTopK', ...pick(options, tokenChoiceRuleKeys) }, scorer.experts, where);
    const weights = resolveLossWeights(where, options, { balance: 0, z: 0, importance: 0.01 });
    super({ strategy: where, scorer, selection, lossWeights: { ...weights, importance: 0 } });
    this.importanceWeight = weights.importance;
    this.loadWeight = lossWeight(where, 'loadLossWeight', orDefault(options.loadLossWeight, 0.01));
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const plan = await this.selection.select(scored.scores, context);
    const extra: Record<string, { loss: Tensor; weight: number }> = {
      importance: { loss: importanceLoss(denseWeights(plan)), weight: this.importanceWeight },
    };
    const last = this.scorer.last;
    if (last) extra.load = { loss: noisyLoadLoss(last.clean, scored.scores, last.noiseStd, this.selection.options.topK as number), weight: this.loadWeight };
    return this.finish(plan, scored, extra);
  }
}

/** A noisyTopK configuration. */
export function noisyTopK(options: WithoutShape<NoisyTopKOptions> = {}): RouterConfig {
  return { strategy: 'noisyTopK', ...options };
}
