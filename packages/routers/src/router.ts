/**
 * A router = a scorer + a selection rule + auxiliary losses.
 *
 * - The scorer is the router's parameters: it maps x: [tokens, dim] to scores S: [tokens,
 *   experts] (a linear gate S = x·W_g, X-MoE's low-dimensional cosine, HyperRouter's
 *   generated gate, SMoE-Dropout's frozen random map, …).
 * - The selection rule turns S into a routing plan (top-k by row, capacity, expert choice,
 *   global top-c, top-p), see selection/.
 * - The losses (Switch balance, z, importance) are computed from S and the plan and summed
 *   with their coefficients into `plan.auxLoss`.
 *
 * Because the parts are separate, `withSelection(router, 'usmoe', { topK: 1.5 })` gives a new
 * router that shares the trained scorer (the same parameter tensors) and selects differently:
 * the training-free setting of USMoE (TC → USMoE or EC on a trained checkpoint, one call).
 */
import { Module, Rng, add, init, matmul, mul, softmax, type Tensor } from '@smoe/tensor';
import { importanceLoss, switchBalanceLoss, zLoss } from './losses.js';
import { orDefault, checkInteger, lossWeight, checkNumber, checkBoolean } from './options.js';
import type { RouteContext, Router, RoutingPlan } from './plan.js';
import { createSelection, type SelectionRule } from './selection/rule.js';

/** What a scorer produces. */
export interface ScoreOutput {
  /** [tokens, experts]: the scores the selection rule routes by. */
  scores: Tensor;
  /** Unweighted losses of the scorer itself, with their coefficients. */
  losses?: Record<string, { loss: Tensor; weight: number }>;
  /** Scorer statistics merged into plan.stats. */
  stats?: Record<string, number>;
}

/** The parameter half of a router: x: [tokens, dim] → S: [tokens, experts]. */
export abstract class Scorer extends Module {
  abstract readonly experts: number;
  abstract readonly dim: number;
  abstract score(x: Tensor, context: RouteContext): ScoreOutput;

  /** Validates x: [tokens, dim]. */
  protected checkInput(where: string, x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim || x.dtype !== 'float32') throw new Error(`${where}: expected inputs x of shape [tokens, ${this.dim}], got ${x}`);
  }
}

/** Options every router takes. */
export interface RouterBaseOptions {
  /** Number of experts N (≥ 1). */
  experts: number;
  /** Input dimension d (≥ 1). */
  dim: number;
  /** Seed of the parameter initialisation (the global generator when absent). */
  seed?: number;
}

/** Options of the linear gate S = x·W_g (+ b). */
export interface LinearGateOptions {
  /** Standard deviation of W_g's normal init. Default √(0.1/d) (Switch Transformers' scale). */
  initStd?: number;
  /** Learn a bias b: [experts]. Default false. */
  gateBias?: boolean;
}

/** Coefficients of the generic auxiliary losses (0 turns one off). */
export interface LossWeightOptions {
  /** Switch balance loss N·Σ f_j P_j. */
  balanceLossWeight?: number;
  /** Router z-loss mean (logsumexp S)². */
  zLossWeight?: number;
  /** Importance loss CV(Σ_i P_ij)². */
  importanceLossWeight?: number;
}

export const baseKeys = ['experts', 'dim', 'seed'];
export const linearGateKeys = ['initStd', 'gateBias'];
export const lossWeightKeys = ['balanceLossWeight', 'zLossWeight', 'importanceLossWeight'];

/** Resolved loss coefficients. */
export interface LossWeights {
  balance: number;
  z: number;
  importance: number;
}

/** Validates experts, dim and seed; returns the generator for the init. */
export function resolveBase(where: string, options: RouterBaseOptions): { experts: number; dim: number; rng: Rng | undefined } {
  const experts = checkInteger(where, 'experts', options.experts, 1);
  const dim = checkInteger(where, 'dim', options.dim, 1);
  const rng = options.seed === undefined ? undefined : new Rng(checkNumber(where, 'seed', options.seed, -Infinity, Infinity));
  return { experts, dim, rng };
}

/** Validates the loss coefficients with the strategy's defaults. */
export function resolveLossWeights(where: string, options: LossWeightOptions, defaults: LossWeights): LossWeights {
  return {
    balance: lossWeight(where, 'balanceLossWeight', orDefault(options.balanceLossWeight, defaults.balance)),
    z: lossWeight(where, 'zLossWeight', orDefault(options.zLossWeight, defaults.z)),
    importance: lossWeight(where, 'importanceLossWeight', orDefault(options.importanceLossWeight, defaults.importance)),
  };
}

/** The linear gate S = x·W_g (+ b), W_g: [dim, experts]. */
export class LinearScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  /** [dim, experts] */
  weight: Tensor;
  /** [experts], when gateBias. */
  bias: Tensor | undefined;

  constructor(where: string, options: RouterBaseOptions & LinearGateOptions) {
    super();
    const { experts, dim, rng } = resolveBase(where, options);
    this.experts = experts;
    this.dim = dim;
    const std = checkNumber(where, 'initStd', orDefault<unknown>(options.initStd, Math.sqrt(0.1 / dim)), 0, Infinity);
    this.weight = init.normal([dim, experts], std, { rng });
    this.weight.name = 'weight';
    this.bias = checkBoolean(where, 'gateBias', orDefault<unknown>(options.gateBias, false)) ? init.zeros([experts]) : undefined;
  }

  score(x: Tensor): ScoreOutput {
    this.checkInput('linear gate', x);
    const s = matmul(x, this.weight);
    return { scores: this.bias ? add(s, this.bias) : s };
  }
}

/** What `ScoredRouter` is built from. */
export interface ScoredRouterParts {
  strategy: string;
  scorer: Scorer;
  selection: SelectionRule;
  lossWeights: LossWeights;
}

/** A router made of a scorer, a selection rule and the generic auxiliary losses. */
export class ScoredRouter extends Module implements Router {
  readonly strategy: string;
  readonly experts: number;
  scorer: Scorer;
  selection: SelectionRule;
  lossWeights: LossWeights;

  constructor(parts: ScoredRouterParts) {
    super();
    this.strategy = parts.strategy;
    this.experts = parts.scorer.experts;
    this.scorer = parts.scorer;
    this.selection = parts.selection;
    this.lossWeights = parts.lossWeights;
  }

  async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const plan = await this.selection.select(scored.scores, context);
    return this.finish(plan, scored);
  }

  /** The selection rule's state between batches (causal thresholds), as `selection.<name>`. */
  async routerState(): Promise<Record<string, Float32Array>> {
    const state = this.selection.state?.() ?? {};
    return Object.fromEntries(Object.entries(state).map(([name, value]) => [`selection.${name}`, value]));
  }

  /** Restores what `routerState` returned. */
  loadRouterState(state: Record<string, Float32Array>): void {
    const own: Record<string, Float32Array> = {};
    for (const [name, value] of Object.entries(state)) {
      if (!name.startsWith('selection.') || !this.selection.loadState) throw new Error(`${this.strategy}: unexpected router state '${name}'; this router keeps ${this.selection.loadState ? "only 'selection.*'" : 'none'}`);
      own[name.slice('selection.'.length)] = value;
    }
    if (Object.keys(own).length) this.selection.loadState?.(own);
  }

  /**
   * Adds the generic losses (those with a coefficient > 0), the scorer's and `extra` ones to
   * the plan, and their weighted sum as plan.auxLoss.
   */
  protected finish(plan: RoutingPlan, scored: ScoreOutput, extra: Record<string, { loss: Tensor; weight: number }> = {}): RoutingPlan {
    const terms: Record<string, { loss: Tensor; weight: number }> = {};
    const { balance, z, importance } = this.lossWeights;
    const s = scored.scores;
    if (balance > 0 || importance > 0) {
      const p = softmax(s);
      if (balance > 0) terms.balance = { loss: switchBalanceLoss(p, plan.demand ?? plan.counts), weight: balance };
      if (importance > 0) terms.importance = { loss: importanceLoss(p), weight: importance };
    }
    if (z > 0) terms.z = { loss: zLoss(s), weight: z };
    Object.assign(terms, scored.losses, extra);
    return attachLosses(plan, terms, scored.stats);
  }
}

/** Puts named losses and their weighted sum on the plan. */
export function attachLosses(plan: RoutingPlan, terms: Record<string, { loss: Tensor; weight: number }>, stats?: Record<string, number>): RoutingPlan {
  let total: Tensor | null = plan.auxLoss;
  for (const [name, { loss, weight }] of Object.entries(terms)) {
    plan.losses[name] = loss;
    if (weight > 0) total = total ? add(total, mul(loss, weight)) : mul(loss, weight);
  }
  plan.auxLoss = total;
  if (stats) Object.assign(plan.stats, stats);
  return plan;
}

/**
 * The training-free swap: a router with `router`'s trained scorer (the same parameter
 * tensors) and another selection rule — 'usmoe', 'expertChoice', 'tokenChoice', 'topP' or
 * any registered one — e.g. `withSelection(trainedTopK, 'usmoe', { topK: 1.5, alpha: 0.5 })`.
 * When the trained rule's weights sum to 1 per token (softmax over the selected experts) and
 * the new rule can renormalise, it does so unless `renormalize: false` is given: the layer
 * keeps the output scale it was trained with (docs/routing.md §3).
 */
export function withSelection(router: Router, rule: string | SelectionRule, options: Record<string, unknown> = {}): ScoredRouter {
  if (!(router instanceof ScoredRouter)) {
    throw new Error(`withSelection: the '${router.strategy}' router does not route from a score matrix, so its selection rule cannot be swapped`);
  }
  let selection: SelectionRule;
  if (typeof rule !== 'string') {
    selection = rule;
  } else {
    selection = createSelection(rule, router.experts, options);
    if (options.renormalize === undefined && router.selection.normalized && 'renormalize' in selection.options) {
      selection = createSelection(rule, router.experts, { ...options, renormalize: true });
    }
  }
  const swapped = new ScoredRouter({ strategy: selection.name, scorer: router.scorer, selection, lossWeights: router.lossWeights });
  swapped.training = router.training;
  return swapped;
}
