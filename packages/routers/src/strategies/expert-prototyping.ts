/**
 * expertPrototyping — M6-T's expert prototyping ("M6-T: Exploring Sparse Expert Models and
 * Beyond", Yang, Lin, Men et al. 2021): k groups of N/k experts, top-1 within each group.
 *
 *   S = x·W_g;  P = softmax of S within each group;  one expert per group: w = its P
 *   aux loss = 0.01 · (mean over groups of the Switch balance loss of the group)
 *            = 0.01 · N·Σ_j f_j P_j / k     (f_j: fraction of the k·T pairs; P_j: mean group-wise P)
 *
 * Every token reads only its own scores: causal in a causal LM. Defaults: groups 2 (top-2
 * compute), balanceLossWeight 0.01, zLossWeight 0, W_g ~ N(0, 0.1/d).
 */
import type { Tensor } from '@smoe/tensor';
import { switchBalanceLoss } from '../losses.js';
import { checkKeys, orDefault, lossWeight, pick } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, resolveLossWeights, type LinearGateOptions, type RouterBaseOptions } from '../router.js';
import { PrototypeSelection, prototypeKeys, type PrototypeOptions } from '../selection/prototype.js';
import type { WithoutShape } from './token-choice.js';

/** Options of expertPrototyping. */
export interface ExpertPrototypingOptions extends RouterBaseOptions, LinearGateOptions, PrototypeOptions {
  /** Coefficient of the group-wise Switch balance loss. Default 0.01. */
  balanceLossWeight?: number;
  /** Router z-loss coefficient. Default 0. */
  zLossWeight?: number;
}

const keys = [...baseKeys, ...linearGateKeys, 'balanceLossWeight', 'zLossWeight', ...prototypeKeys];

/** A linear gate routed top-1 within each of k expert groups. */
export class ExpertPrototypingRouter extends ScoredRouter {
  declare selection: PrototypeSelection;
  readonly groupBalanceWeight: number;

  constructor(options: ExpertPrototypingOptions) {
    const where = 'expertPrototyping';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    const selection = new PrototypeSelection(pick(options, prototypeKeys), scorer.experts, where);
    super({ strategy: where, scorer, selection, lossWeights: resolveLossWeights(where, { zLossWeight: options.zLossWeight }, { balance: 0, z: 0, importance: 0 }) });
    this.groupBalanceWeight = lossWeight(where, 'balanceLossWeight', orDefault(options.balanceLossWeight, 0.01));
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const plan = await this.selection.select(scored.scores, context);
    if (this.groupBalanceWeight === 0) return this.finish(plan, scored);
    const balance = switchBalanceLoss(plan.probabilities as Tensor, plan.demand ?? plan.counts).div(this.selection.options.groups);
    return this.finish(plan, scored, { balance: { loss: balance, weight: this.groupBalanceWeight } });
  }
}

/** An expertPrototyping configuration. */
export function expertPrototyping(options: WithoutShape<ExpertPrototypingOptions> = {}): RouterConfig {
  return { strategy: 'expertPrototyping', ...options };
}
