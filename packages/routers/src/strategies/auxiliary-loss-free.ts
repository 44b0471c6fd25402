/**
 * auxiliaryLossFree — sigmoid gating with auxiliary-loss-free load balancing ("DeepSeek-V3
 * Technical Report", 2024; "Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts",
 * Wang et al. 2024).
 *
 *   s = σ(x·W_g)
 *   selection: top-k_j (s_ij + b_j)          the bias b steers selection only
 *   weights:   w_ij = s_ij / Σ_{selected} s_ij
 *   after each training step: b_j ← b_j + γ · sign(mean load − load_j)
 *
 * No auxiliary loss: overloaded experts get a lower bias, underloaded ones a higher one. The
 * bias is state, not a parameter; it is updated at the end of every training `route` call
 * (biasUpdate 'auto') or by calling `updateBias(plan)` once per optimiser step ('manual',
 * e.g. with gradient accumulation), and saved through routerState().
 *
 * Defaults: topK 2, biasUpdateRate γ 1e-3, biasUpdate 'auto', renormalize true, all loss
 * weights 0, W_g ~ N(0, 0.1/d).
 */
import { add, greater, mean, mul, sub, tensor, where, zeros, type Tensor } from '@smoe/tensor';
import { checkKeys, orDefault, checkInteger, checkBoolean, checkNumber, checkOneOf } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { TokenChoiceSelection, tokenChoiceSelect } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of auxiliaryLossFree. */
export interface AuxiliaryLossFreeOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions {
  /** Experts per token. Default 2. */
  topK?: number;
  /** Renormalise the selected sigmoid scores to sum to 1. Default true. */
  renormalize?: boolean;
  /** γ of the bias update. Default 1e-3. */
  biasUpdateRate?: number;
  /** 'auto': update after every training route call; 'manual': call updateBias(plan). Default 'auto'. */
  biasUpdate?: 'auto' | 'manual';
}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, 'topK', 'renormalize', 'biasUpdateRate', 'biasUpdate'];

/** Sigmoid top-k gating balanced by a selection bias. */
export class AuxiliaryLossFreeRouter extends ScoredRouter {
  /** [experts]: the selection bias b (state, not trained by gradients). */
  bias: Tensor;
  readonly biasUpdateRate: number;
  readonly biasUpdate: 'auto' | 'manual';

  constructor(options: AuxiliaryLossFreeOptions) {
    const where = 'auxiliaryLossFree';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    const topK = checkInteger(where, 'topK', orDefault<unknown>(options.topK, 2), 1, scorer.experts, 'the number of experts');
    const renormalize = checkBoolean(where, 'renormalize', orDefault<unknown>(options.renormalize, true));
    const selection = new TokenChoiceSelection({ topK, weighting: 'sigmoid', renormalize }, scorer.experts, where);
    super({ strategy: where, scorer, selection, lossWeights: resolveLossWeights(where, options, { balance: 0, z: 0, importance: 0 }) });
    this.bias = zeros([scorer.experts]);
    this.biasUpdateRate = checkNumber(where, 'biasUpdateRate', orDefault<unknown>(options.biasUpdateRate, 1e-3), 0, Infinity);
    this.biasUpdate = checkOneOf(where, 'biasUpdate', orDefault<unknown>(options.biasUpdate, 'auto'), ['auto', 'manual'] as const);
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const { evalCapacityFactor: _e, capacityFactor: _c, ...rule } = (this.selection as TokenChoiceSelection).options;
    const plan = await tokenChoiceSelect(scored.scores, { ...rule, capacityFactor: null, selectionBias: this.bias });
    if (context.training && this.biasUpdate === 'auto') this.updateBias(plan);
    return this.finish(plan, scored);
  }

  /** b_j ← b_j + γ·sign(mean load − load_j), from the plan's per-expert counts. */
  updateBias(plan: RoutingPlan): void {
    const load = tensor(Float32Array.from(plan.counts));
    const gap = sub(mean(load), load);
    const sign = where(greater(gap, 0), 1, where(greater(0, gap), -1, 0));
    this.bias = add(this.bias, mul(sign, this.biasUpdateRate)).detach();
  }

  override async routerState(): Promise<Record<string, Float32Array>> {
    return { bias: (await this.bias.data()) as Float32Array };
  }

  override loadRouterState(state: Record<string, Float32Array>): void {
    const bias = state.bias;
    if (!bias || bias.length !== this.experts) throw new Error(`auxiliaryLossFree: loadRouterState needs 'bias' with ${this.experts} values`);
    this.bias = tensor(bias);
  }
}

/** An auxiliaryLossFree configuration. */
export function auxiliaryLossFree(options: WithoutShape<AuxiliaryLossFreeOptions> = {}): RouterConfig {
  return { strategy: 'auxiliaryLossFree', ...options };
}
