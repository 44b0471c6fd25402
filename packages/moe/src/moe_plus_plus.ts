/**
 * MoEPlusPlusLayer — MoE++, zero-computation experts beside the FFN experts ("MoE++:
 * Accelerating Mixture-of-Experts Methods with Zero-Computation Experts", Jin, Zhu, Yan and
 * Yuan, 2024). The router chooses among N FFN experts and Z experts that cost (almost) nothing:
 *
 *   null expert:      E(x) = 0                        (the token skips the layer's FFN)
 *   copy expert:      E(x) = x
 *   constant expert:  E(x) = a₁·x + a₂·v,  [a₁, a₂] = softmax(x·W_c),  v ∈ R^d learned
 *
 *   gating residual:  G_l = x·W_l + G_{l−1}·W_res     (G_{l−1}: the previous MoE++ layer's scores;
 *                     W_res: [N+Z, N+Z], initialised to 0)
 *   selection:        top-k over the N+Z scores; w = softmax over all N+Z of the chosen (not
 *                     renormalised: a token that picks a null expert keeps less than 1 in total)
 *   y_t = Σ_{(t, e, w)} w · E_e(x_t)                   only FFN pairs reach the grouped matmul
 *   loss = 0.01 · (N+Z) · Σ_e η_e f_e P_e,  η_e = 1 (FFN), τ (zero-computation)
 *
 * A token routed to zero-computation experts only does FFN work for its FFN experts: the
 * statistics report `expertRunsPerToken` (FFN rows per token) beside `expertsPerToken` (all
 * pairs), and the share of each zero-computation kind (`nullShare`, `copyShare`, `constantShare`). Every token reads only its own scores: causal.
 *
 * Defaults: nullExperts 1, copyExperts 1, constantExperts 2 (the paper's split of its
 * zero-computation experts), topK 2, gatingResidual true, balanceLossWeight 0.01, tau 0.75,
 * W_l ~ N(0, 0.1/d), W_c Xavier-normal, v ~ N(0, 0.02).
 */
import { Module, Rng, init, matmul, mean, mul, reshape, slice, softmax, sum, tensor, zeros, type Tensor } from '@smoe/tensor';
import { buildPlan, createSelection, denseWeights, type RoutingPlan, type SelectionRule } from '@smoe/routers';
import { padPlan, staticRowCount } from './capacity.js';
import { Experts } from './experts.js';
import { activations, type Activation } from './feed_forward.js';
import type { MoEContext } from './moe_layer.js';
import { routingStats, type RoutingStats } from './statistics.js';
import { checkBoolean, checkInteger, checkKeys, checkNumber, checkObject, checkOneOf, invalid, orDefault, withCurrentNames } from './validate.js';

/** The zero-computation part of a model's `moe` config. */
export interface ZeroComputationConfig {
  /** Experts whose output is 0. Default 1. */
  nullExperts?: number;
  /** Experts whose output is the input. Default 1. */
  copyExperts?: number;
  /** Experts whose output mixes the input with a learned vector. Default 2. */
  constantExperts?: number;
  /** Experts per token over FFN and zero-computation experts together. Default 2. */
  topK?: number;
  /** Add the previous MoE++ layer's scores through W_res. Default true. */
  gatingResidual?: boolean;
  /** Coefficient of the heterogeneous balance loss. Default 0.01. */
  balanceLossWeight?: number;
  /** τ: the balance loss's weight for zero-computation experts. Default 0.75. */
  tau?: number;
}

/** A MoE++ layer's config (plain JSON). */
export interface MoEPlusPlusLayerConfig extends ZeroComputationConfig {
  dim: number;
  /** Hidden width of each FFN expert. */
  expertDim: number;
  /** FFN experts N. */
  experts: number;
  /** 'gelu' (default) or 'swiglu'. */
  expertType?: Activation;
}

export type ResolvedZeroComputationConfig = Required<ZeroComputationConfig>;
export type ResolvedMoEPlusPlusLayerConfig = Required<MoEPlusPlusLayerConfig>;

const zeroKeys = ['nullExperts', 'copyExperts', 'constantExperts', 'topK', 'gatingResidual', 'balanceLossWeight', 'tau'];

/** Validates the `zeroComputation` section of a model's moe config (`experts`: the FFN experts). */
export function resolveZeroComputationConfig(where: string, value: unknown, experts: number): ResolvedZeroComputationConfig {
  const z = checkObject(where, 'zeroComputation', value) as ZeroComputationConfig;
  checkKeys(`${where}.zeroComputation`, z, zeroKeys);
  const nullExperts = checkInteger(where, 'zeroComputation.nullExperts', orDefault(z.nullExperts, 1), 0);
  const copyExperts = checkInteger(where, 'zeroComputation.copyExperts', orDefault(z.copyExperts, 1), 0);
  const constantExperts = checkInteger(where, 'zeroComputation.constantExperts', orDefault(z.constantExperts, 2), 0);
  return {
    nullExperts,
    copyExperts,
    constantExperts,
    topK: checkInteger(where, 'zeroComputation.topK', orDefault(z.topK, 2), 1, experts + nullExperts + copyExperts + constantExperts),
    gatingResidual: checkBoolean(where, 'zeroComputation.gatingResidual', orDefault(z.gatingResidual, true)),
    balanceLossWeight: checkNumber(where, 'zeroComputation.balanceLossWeight', orDefault(z.balanceLossWeight, 0.01), 0, 1e6),
    tau: checkNumber(where, 'zeroComputation.tau', orDefault(z.tau, 0.75), 0, 1e6),
  };
}

/** Validates a MoE++ layer config and fills in the defaults; `hidden`, expertDim's former name, is read as expertDim. */
export function resolveMoEPlusPlusLayerConfig(given: MoEPlusPlusLayerConfig, where = 'MoEPlusPlusLayer'): ResolvedMoEPlusPlusLayerConfig {
  checkObject(where, 'config', given);
  const config = withCurrentNames(where, given, { hidden: 'expertDim' });
  checkKeys(where, config, ['dim', 'expertDim', 'experts', 'expertType', ...zeroKeys]);
  const { dim, expertDim, experts, expertType, ...zero } = config;
  const n = checkInteger(where, 'experts', experts, 1);
  return {
    dim: checkInteger(where, 'dim', dim, 1),
    expertDim: checkInteger(where, 'expertDim', expertDim, 1),
    experts: n,
    expertType: checkOneOf(where, 'expertType', orDefault(expertType, 'gelu'), activations),
    ...resolveZeroComputationConfig(where, zero, n),
  };
}

export class MoEPlusPlusLayer extends Module {
  readonly config: ResolvedMoEPlusPlusLayerConfig;
  /** The N FFN experts (indices 0 … N−1 of the router). */
  experts: Experts;
  /** W_l: [dim, N+Z]. */
  gate: Tensor;
  /** W_res: [N+Z, N+Z] (gatingResidual). */
  residualGate: Tensor | null;
  /** W_c: [constantExperts, dim, 2] and v: [constantExperts, dim] of the constant experts. */
  constantGate: Tensor | null;
  constantVectors: Tensor | null;
  readonly selection: SelectionRule;
  /** After each forward: the plan over all N+Z experts, its statistics, the weighted loss, the scores G_l. */
  lastPlan: RoutingPlan | null = null;
  lastStats: RoutingStats | null = null;
  auxLoss: Tensor | null = null;
  lastScores: Tensor | null = null;
  /** MoE++ has no VQ regime. */
  readonly regime = null;
  /** The previous MoE++ layer of the model, whose scores feed the gating residual (not a sub-module). */
  #previous: MoEPlusPlusLayer | null = null;

  constructor(config: MoEPlusPlusLayerConfig, options: { rng?: Rng } = {}) {
    super();
    const c = resolveMoEPlusPlusLayerConfig(config);
    this.config = c;
    const rng = options.rng ?? new Rng(0);
    const total = this.totalExperts;
    this.experts = new Experts({ experts: c.experts, dim: c.dim, expertDim: c.expertDim, activation: c.expertType, rng });
    this.gate = init.normal([c.dim, total], Math.sqrt(0.1 / c.dim), { rng });
    this.residualGate = c.gatingResidual ? init.zeros([total, total]) : null;
    this.constantGate = c.constantExperts > 0 ? init.xavier([c.constantExperts, c.dim, 2], { rng }) : null;
    this.constantVectors = c.constantExperts > 0 ? init.normal([c.constantExperts, c.dim], 0.02, { rng }) : null;
    this.selection = createSelection('tokenChoice', total, { topK: c.topK, weighting: 'softmax' });
  }

  /** N + Z: FFN experts, then null, copy and constant experts, in that order of indices. */
  get totalExperts(): number {
    const c = this.config;
    return c.experts + c.nullExperts + c.copyExperts + c.constantExperts;
  }

  /** Links the previous MoE++ layer of the model for the gating residual (the backbone calls this). */
  follow(previous: MoEPlusPlusLayer | null): void {
    this.#previous = previous;
  }

  /** x: [tokens, dim] → [tokens, dim]. */
  async forward(x: Tensor, context: MoEContext = {}): Promise<Tensor> {
    const c = this.config;
    if (x.rank !== 2 || x.shape[1] !== c.dim) invalid('MoEPlusPlusLayer.forward', 'x.shape', x.shape, `[tokens, ${c.dim}]`);
    const tokens = x.shape[0];
    let scores = matmul(x, this.gate);
    const previous = this.#previous?.lastScores;
    if (this.residualGate && previous && previous.shape[0] === tokens && previous.shape[1] === this.totalExperts) scores = scores.add(matmul(previous, this.residualGate));
    const plan = await this.selection.select(scores, { ...context, training: context.training ?? this.training });

    // FFN pairs only go through the experts' grouped matmul.
    const ffnPairs: number[] = [];
    plan.expertIndex.forEach((e, p) => e < c.experts && ffnPairs.push(p));
    const position = Int32Array.from(ffnPairs);
    const ffnPlan = await buildPlan({ tokens, experts: c.experts, token: position.map((p) => plan.tokenIndex[p]), expert: position.map((p) => plan.expertIndex[p]), ...(position.length ? { weights: plan.weight, position } : {}) });
    let y = position.length ? this.experts.dispatch(x, padPlan(ffnPlan, staticRowCount(ffnPlan))) : zeros([tokens, c.dim]);

    // Zero-computation experts, dense over tokens (a handful of d-wide products per token).
    const weights = denseWeights(plan); // [tokens, N+Z]
    const copyStart = c.experts + c.nullExperts;
    if (c.copyExperts > 0) y = y.add(x.mul(sum(slice(weights, 1, copyStart, c.copyExperts), -1, true)));
    for (let k = 0; k < c.constantExperts; k++) {
      const mixing = softmax(matmul(x, reshape(slice(this.constantGate as Tensor, 0, k, 1), [c.dim, 2]))); // [tokens, 2]
      const vector = reshape(slice(this.constantVectors as Tensor, 0, k, 1), [1, c.dim]);
      const output = x.mul(slice(mixing, 1, 0, 1)).add(mul(slice(mixing, 1, 1, 1), vector));
      y = y.add(output.mul(slice(weights, 1, copyStart + c.copyExperts + k, 1)));
    }

    this.auxLoss = c.balanceLossWeight > 0 ? this.balanceLoss(scores, plan).mul(c.balanceLossWeight) : null;
    this.lastPlan = plan;
    this.lastScores = scores;
    this.lastStats = await this.statistics(plan, ffnPlan);
    return y;
  }

  /** (N+Z) · Σ_e η_e f_e P_e with η = 1 for FFN experts and τ for zero-computation ones. */
  private balanceLoss(scores: Tensor, plan: RoutingPlan): Tensor {
    const total = this.totalExperts;
    const pairs = Math.max(plan.tokenIndex.length, 1);
    const coefficient = Float32Array.from(plan.counts, (n, e) => (total * (e < this.config.experts ? 1 : this.config.tau) * n) / pairs);
    return sum(mean(softmax(scores), 0).mul(tensor(coefficient)));
  }

  private async statistics(plan: RoutingPlan, ffnPlan: RoutingPlan): Promise<RoutingStats> {
    const stats = await routingStats(plan);
    const c = this.config;
    const pairs = Math.max(plan.tokenIndex.length, 1);
    const share = (from: number, count: number): number => plan.counts.slice(from, from + count).reduce((a, b) => a + b, 0) / pairs;
    stats.expertRunsPerToken = ffnPlan.tokenIndex.length / plan.tokens;
    stats.strategy.nullShare = share(c.experts, c.nullExperts);
    stats.strategy.copyShare = share(c.experts + c.nullExperts, c.copyExperts);
    stats.strategy.constantShare = share(c.experts + c.nullExperts + c.copyExperts, c.constantExperts);
    return stats;
  }

  /** MoE++ keeps no state besides its parameters. */
  override async buffers(): Promise<Record<string, Float32Array>> {
    return {};
  }
}
