/**
 * MoELayer: a router, E experts held as stacked weights, optional shared experts, capacity
 * handling, auxiliary losses and routing statistics — the sparse FFN of a transformer block.
 *
 *   plan = router(x)                                   pairs (t, e, w), sorted by expert
 *   y_t  = Σ_{(t, e, w) in plan} w · E_e(x_t)  +  Σ_s S_s(x_t)       (shared experts S_s, DeepSeekMoE)
 *
 * Dispatch is gather → grouped matmul → scatter-add (see experts.ts): the work follows the
 * routed pairs, not the number of experts.
 *
 * The same layer is the USMoE layer (router { strategy: 'usmoe', topK: 1.5, … }: fractional
 * experts per token, tokens may get none) and, with `vq`, the VQMoE layer ("On the Effectiveness
 * of Discrete Representations in Sparse Mixture of Experts"; docs/routing.md §4):
 *   discrete path:   k(x) = argmin_j ‖x − e_j‖², q̃ = STE(e_{k(x)})
 *                    out_d = LN(E_{k(x)}(LN(q̃)))
 *   continuous path: out_c = Σ w · E_e(x) from `router` (the authors: cosine router, top-1)
 *   regime 'mixed' (pre-training):  g = softmax(x W_mix) [tokens, 2];  y = g_0·out_c + g_1·out_d
 *   regime 'discrete' (fine-tuning, inference): y = out_d — the continuous router is not run
 *   loss: aux(router) + β_vq · L_vq   (the vq router's aux loss; β_vq = its vqLossWeight, 0.08)
 * Both regimes hold the same parameters, so `setRegime('discrete')` switches a trained model.
 *
 * `selection` swaps the selection rule of a trained router while keeping its scorer (the same
 * gate weights): USMoE's training-free use on a token-choice checkpoint,
 * { rule: 'usmoe', topK: 1.5 } — @smoe/routers' `withSelection`. `setSelection(null)` restores
 * the trained rule. Parameter names do not change.
 *
 * Capacity (capacityFactor > 0) applies to any strategy's plan: C = ceil(cf · pairs / experts),
 * overflow pairs dropped in token order ('arrival') or by weight ('weight'). (Token choice also
 * offers its own capacity, admitting first choices first, as a router option.) Before dispatch
 * every plan is padded with zero-weight rows to a row count that repeats from step to step
 * (see `staticRowCount`), because gpu.js compiles one kernel per shape.
 *
 * Defaults: router { strategy: 'tokenChoice', topK: 2 } — with vq, the cosine top-1 router of
 * StableMoE's first stage, { strategy: 'stableMoE', stage1Fraction: 1, distillationLossWeight: 0 };
 * expertType 'gelu', sharedExperts 0, sharedHidden = hidden, capacityFactor 0 (dropless),
 * evalCapacityFactor = capacityFactor, capacityPriority 'arrival', selection null (the router's
 * own rule), no vq; vq: regime 'mixed',
 * router { strategy: 'vq' } (codebook of `experts` codes, l2, β_commit 0.25, β_vq 0.08).
 */
import { Module, Rng, init, layerNorm, slice, softmax, type Tensor } from '@smoe/tensor';
import { withSelection, type RouteContext, type Router, type RoutingPlan } from '@smoe/routers';
import { applyCapacity, expertCapacity, padPlan, staticRowCount, type CapacityPriority } from './capacity.js';
import { Experts } from './experts.js';
import { FeedForward, activations, type Activation } from './feed_forward.js';
import { checkBufferNames, underPrefix, withPrefix } from './buffers.js';
import { buildRouter, checkRouterConfig, checkSelectionConfig, type RouterConfig, type SelectionConfig } from './router_config.js';
import { routingStats, type RoutingStats } from './statistics.js';
import { checkBoolean, checkInteger, checkKeys, checkNumber, checkObject, checkOneOf, invalid, orDefault } from './validate.js';

/** VQMoE regimes: both paths mixed by a learned gate, or the discrete path only. */
export type VQRegime = 'mixed' | 'discrete';
export const vqRegimes: readonly VQRegime[] = ['mixed', 'discrete'];

/** The VQMoE part of a layer config. */
export interface VQMoEConfig {
  /** 'mixed' (pre-training, default) or 'discrete' (fine-tuning and inference). */
  regime?: VQRegime;
  /**
   * The discrete path's router: a VQ strategy with its codebook options and β_vq
   * (`vqLossWeight`). Default { strategy: 'vq' }.
   */
  router?: RouterConfig;
}

/** The continuous path's router of a VQMoE layer when none is given: cosine scores, top-1 (StableMoE stage 1, never frozen). */
export const vqContinuousRouter: RouterConfig = { strategy: 'stableMoE', stage1Fraction: 1, distillationLossWeight: 0 };

/** A MoE layer's config (plain JSON). */
export interface MoELayerConfig {
  /** Model width. */
  dim: number;
  /** Hidden width of each expert (d_ff). */
  hidden: number;
  /** Number of routed experts. */
  experts: number;
  /** The router (the continuous path's router under vq). Default { strategy: 'tokenChoice', topK: 2 }. */
  router?: RouterConfig;
  /** Expert FFN: 'gelu' (default) or 'swiglu'. */
  expertType?: Activation;
  /** Always-on shared experts (DeepSeekMoE). Default 0. */
  sharedExperts?: number;
  /** Hidden width of each shared expert. Default: hidden. */
  sharedHidden?: number;
  /** Capacity factor in training; 0 = dropless (default). */
  capacityFactor?: number;
  /** Capacity factor in evaluation. Default: capacityFactor. */
  evalCapacityFactor?: number;
  /** Which pairs an over-full expert keeps: 'arrival' (default) or 'weight'. */
  capacityPriority?: CapacityPriority;
  /** Another selection rule for the trained router's scores (training-free USMoE). Default null. */
  selection?: SelectionConfig | null;
  /** Makes this a VQMoE layer. Default: absent (a plain MoE layer). */
  vq?: VQMoEConfig | null;
  /**
   * Route causally: a token's routing depends only on itself and earlier positions of its
   * sequence (expert choice and USMoE by calibrated thresholds, capacity position-major;
   * docs/routing.md §2). Decoders set it; default false (encoders, ViTs).
   */
  causalRouting?: boolean;
}

/** A validated config with every default filled in. */
export type ResolvedMoELayerConfig = Required<Omit<MoELayerConfig, 'vq' | 'selection'>> & { selection: SelectionConfig | null; vq: Required<VQMoEConfig> | null };

const layerKeys = ['dim', 'hidden', 'experts', 'router', 'expertType', 'sharedExperts', 'sharedHidden', 'capacityFactor', 'evalCapacityFactor', 'capacityPriority', 'selection', 'vq', 'causalRouting'];

/** Validates a layer config and fills in the defaults. */
export function resolveMoELayerConfig(config: MoELayerConfig, where = 'MoELayer'): ResolvedMoELayerConfig {
  checkObject(where, 'config', config);
  checkKeys(where, config, layerKeys);
  const hidden = checkInteger(where, 'hidden', config.hidden, 1);
  const capacityFactor = checkNumber(where, 'capacityFactor', orDefault(config.capacityFactor, 0), 0, 1e6);
  let vq: Required<VQMoEConfig> | null = null;
  if (config.vq) {
    const v = checkObject(where, 'vq', config.vq) as VQMoEConfig;
    checkKeys(`${where}.vq`, v, ['regime', 'router']);
    vq = {
      regime: checkOneOf(where, 'vq.regime', orDefault(v.regime, 'mixed'), vqRegimes),
      router: checkRouterConfig(where, 'vq.router', orDefault(v.router, { strategy: 'vq' })),
    };
  }
  return {
    dim: checkInteger(where, 'dim', config.dim, 1),
    hidden,
    experts: checkInteger(where, 'experts', config.experts, 1),
    router: checkRouterConfig(where, 'router', orDefault(config.router, vq ? vqContinuousRouter : { strategy: 'tokenChoice', topK: 2 })),
    expertType: checkOneOf(where, 'expertType', orDefault(config.expertType, 'gelu'), activations),
    sharedExperts: checkInteger(where, 'sharedExperts', orDefault(config.sharedExperts, 0), 0),
    sharedHidden: checkInteger(where, 'sharedHidden', orDefault(config.sharedHidden, hidden), 1),
    capacityFactor,
    evalCapacityFactor: checkNumber(where, 'evalCapacityFactor', orDefault(config.evalCapacityFactor, capacityFactor), 0, 1e6),
    capacityPriority: checkOneOf(where, 'capacityPriority', orDefault(config.capacityPriority, 'arrival'), ['arrival', 'weight'] as const),
    selection: config.selection ? checkSelectionConfig(where, 'selection', config.selection) : null,
    vq,
    causalRouting: checkBoolean(where, 'causalRouting', orDefault(config.causalRouting, false)),
  };
}

/** Options that are not part of the serialisable config. */
export interface MoELayerOptions {
  /** Generator for the initial weights. */
  rng?: Rng;
  /** A ready-made router, used instead of building `config.router` (custom strategies, tests). */
  router?: Router;
  /** A ready-made discrete-path router, used instead of building `config.vq.router`. */
  vqRouter?: Router;
}

/** What a forward pass may pass to the routers; `training` defaults to the layer's mode. */
export type MoEContext = Partial<RouteContext>;

export class MoELayer extends Module {
  readonly config: ResolvedMoELayerConfig;
  /** The router (the continuous path's, for VQMoE). */
  router: Router;
  /** VQMoE: the discrete path's router (a codebook inside). */
  vqRouter: Router | null;
  experts: Experts;
  /** The shared experts as one FFN of width sharedExperts · sharedHidden (the sum of the shared FFNs). */
  shared: FeedForward | null;
  /** VQMoE: W_mix [dim, 2], the per-token gate between the continuous and discrete paths. */
  mix: Tensor | null;
  /** VQMoE: the LayerNorms around the discrete path's experts (gain, bias). */
  discreteInGain: Tensor | null;
  discreteInBias: Tensor | null;
  discreteOutGain: Tensor | null;
  discreteOutBias: Tensor | null;

  /** After each forward: the plan of the router (the continuous one in the mixed regime), and the discrete path's plan. */
  lastPlan: RoutingPlan | null = null;
  lastDiscretePlan: RoutingPlan | null = null;
  /** After each forward: the routing statistics (docs/routing.md §7). */
  lastStats: RoutingStats | null = null;
  /** After each forward: the layer's weighted auxiliary loss (scalar), or null when it has none. */
  auxLoss: Tensor | null = null;
  /** After each forward: the named, unweighted auxiliary losses of the plans (`vq.` prefix for the discrete path). */
  lastLosses: Record<string, Tensor> = {};
  /** After each forward: the layer's input [tokens, dim], detached (representation-collapse measures). */
  lastInput: Tensor | null = null;
  /** The router as built (its own selection rule); `router` differs from it after `setSelection`. Not enumerable: parameter names stay `router.*`. */
  #trainedRouter: Router;

  constructor(config: MoELayerConfig, options: MoELayerOptions = {}) {
    super();
    const c = resolveMoELayerConfig(config);
    this.config = c;
    const rng = options.rng ?? new Rng(0);
    this.#trainedRouter = options.router ?? buildRouter(c.router, c.experts, c.dim, rng);
    this.router = this.#trainedRouter;
    this.experts = new Experts({ experts: c.experts, dim: c.dim, hidden: c.hidden, activation: c.expertType, rng });
    this.shared = c.sharedExperts > 0 ? new FeedForward({ dim: c.dim, hidden: c.sharedExperts * c.sharedHidden, activation: c.expertType, rng }) : null;
    const vq = c.vq !== null;
    this.vqRouter = vq ? (options.vqRouter ?? buildRouter((c.vq as Required<VQMoEConfig>).router, c.experts, c.dim, rng)) : null;
    this.mix = vq ? init.xavier([c.dim, 2], { rng }) : null;
    this.discreteInGain = vq ? init.ones([c.dim]) : null;
    this.discreteInBias = vq ? init.zeros([c.dim]) : null;
    this.discreteOutGain = vq ? init.ones([c.dim]) : null;
    this.discreteOutBias = vq ? init.zeros([c.dim]) : null;
    for (const router of [this.router, this.vqRouter]) {
      if (router && router.experts !== c.experts) invalid('MoELayer', 'router.experts', router.experts, `the layer's ${c.experts} experts`);
    }
    if (c.selection) this.setSelection(c.selection);
  }

  /**
   * Routes with another selection rule over the trained router's scores ({ rule: 'usmoe', topK: 1.5 },
   * { rule: 'expertChoice' }, …), or with the router's own rule again (null). `config.selection` follows.
   */
  setSelection(selection: SelectionConfig | null): void {
    if (selection === null) {
      this.router = this.#trainedRouter;
    } else {
      const { rule, ...options } = checkSelectionConfig('MoELayer.setSelection', 'selection', selection);
      this.router = withSelection(this.#trainedRouter, rule, options);
    }
    this.router.train(this.training);
    (this.config as { selection: SelectionConfig | null }).selection = selection;
  }

  /** The VQMoE regime, or null for a plain MoE layer. */
  get regime(): VQRegime | null {
    return this.config.vq?.regime ?? null;
  }

  /** Switches a VQMoE layer between 'mixed' and 'discrete' (fine-tuning / inference); the parameters stay. */
  setRegime(regime: VQRegime): void {
    if (!this.config.vq) invalid('MoELayer.setRegime', 'config.vq', null, 'a VQMoE layer (config.vq set)');
    (this.config as { vq: Required<VQMoEConfig> }).vq = { ...(this.config.vq as Required<VQMoEConfig>), regime: checkOneOf('MoELayer.setRegime', 'regime', regime, vqRegimes) };
  }

  /** x: [tokens, dim] → [tokens, dim]. Afterwards `lastPlan`, `lastStats` and `auxLoss` describe this pass. */
  async forward(x: Tensor, context: MoEContext = {}): Promise<Tensor> {
    if (x.rank !== 2 || x.shape[1] !== this.config.dim) invalid('MoELayer.forward', 'x.shape', x.shape, `[tokens, ${this.config.dim}]`);
    const ctx: RouteContext = { ...context, training: context.training ?? this.training, causal: context.causal ?? this.config.causalRouting };
    // expert FFN rows this pass runs (compute statistics): every dispatched pair, and all
    // experts on every token where CompeteSMoE asks for the competition
    let runs = 0;
    const competition = ctx.expertOutputNorms;
    ctx.expertOutputNorms = () => {
      runs += x.shape[0] * this.config.experts;
      return competition ? competition() : this.experts.all(x).square().sum(-1).sqrt().transpose(0, 1);
    };
    const vq = this.config.vq;
    let y: Tensor;
    let plan: RoutingPlan;
    let discrete: RoutingPlan | null = null;
    let mixGate: Tensor | null = null;
    if (!vq) {
      plan = await this.route(this.router, x, ctx);
      y = this.experts.dispatch(x, this.padded(plan));
      runs += plan.tokenIndex.length;
    } else {
      discrete = await this.route(this.vqRouter as Router, x, ctx);
      const outDiscrete = this.discretePath(x, discrete);
      runs += discrete.tokenIndex.length;
      if (vq.regime === 'discrete') {
        plan = discrete;
        y = outDiscrete;
      } else {
        plan = await this.route(this.router, x, ctx);
        const outContinuous = this.experts.dispatch(x, this.padded(plan));
        runs += plan.tokenIndex.length;
        mixGate = softmax(x.matmul(this.mix as Tensor)); // [tokens, 2]
        y = outContinuous.mul(slice(mixGate, 1, 0, 1)).add(outDiscrete.mul(slice(mixGate, 1, 1, 1)));
      }
    }
    if (this.shared) y = y.add(this.shared.forward(x));

    const plans = discrete && discrete !== plan ? [plan, discrete] : [plan];
    const aux = plans.flatMap((p) => (p.auxLoss ? [p.auxLoss] : []));
    this.auxLoss = aux.length ? aux.reduce((a, b) => a.add(b)) : null;
    this.lastLosses = {};
    for (const p of plans) for (const [name, loss] of Object.entries(p.losses)) this.lastLosses[p === discrete ? `vq.${name}` : name] = loss;
    this.lastPlan = plan;
    this.lastDiscretePlan = discrete;
    this.lastInput = x.detach();
    this.lastStats = await this.statistics(plan, discrete, mixGate);
    this.lastStats.expertRunsPerToken = runs / x.shape[0];
    return y;
  }

  /** out_d = LN(E_{k(x)}(LN(q̃))). */
  private discretePath(x: Tensor, plan: RoutingPlan): Tensor {
    if (!plan.quantized) throw new Error(`MoELayer: the discrete path's router '${(this.vqRouter as Router).strategy}' returned no quantized inputs (plan.quantized); use a VQ strategy`);
    const rows = layerNorm(plan.quantized, this.discreteInGain as Tensor, this.discreteInBias as Tensor);
    return layerNorm(this.experts.dispatch(x, this.padded(plan), rows), this.discreteOutGain as Tensor, this.discreteOutBias as Tensor);
  }

  /** Routes and applies the layer's capacity. */
  private async route(router: Router, x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const plan = await router.route(x, context);
    const factor = context.training ? this.config.capacityFactor : this.config.evalCapacityFactor;
    const selected = plan.tokenIndex.length;
    const capacity = expertCapacity(factor, selected, plan.experts);
    if (!Number.isFinite(capacity)) return plan;
    const weights = this.config.capacityPriority === 'weight' ? ((await plan.weight.data()) as Float32Array) : undefined;
    return applyCapacity(plan, capacity, this.config.capacityPriority, weights, context.causal ? (context.groupSize ?? x.shape[0]) : undefined);
  }

  /** The plan padded to a row count that repeats from step to step. */
  private padded(plan: RoutingPlan): RoutingPlan {
    return padPlan(plan, staticRowCount(plan));
  }

  private async statistics(plan: RoutingPlan, discrete: RoutingPlan | null, mixGate: Tensor | null): Promise<RoutingStats> {
    const stats = await routingStats(plan);
    if (discrete && discrete !== plan) {
      const d = await routingStats(discrete);
      stats.codePerplexity = d.codePerplexity;
      stats.deadCodeFraction = d.deadCodeFraction;
      stats.strategy['discrete.loadCv'] = d.loadCv;
    }
    if (mixGate) {
      const g = await mixGate.data();
      let sum = 0;
      for (let t = 1; t < g.length; t += 2) sum += g[t];
      stats.strategy.discreteGate = sum / (g.length / 2);
    }
    return stats;
  }

  /** Router state that is not a parameter (auxiliary-loss-free bias, StableMoE's stage, VQ codebook usage), for checkpoints. */
  override async buffers(): Promise<Record<string, Float32Array>> {
    return {
      ...withPrefix('router', (await this.#trainedRouter.routerState?.()) ?? {}),
      ...withPrefix('vqRouter', (await this.vqRouter?.routerState?.()) ?? {}),
    };
  }

  /** Restores what `buffers()` returned. */
  override loadBuffers(state: Record<string, Float32Array>): void {
    checkBufferNames('MoELayer.loadBuffers', state, ['router', 'vqRouter']);
    for (const [prefix, router] of [['router', this.#trainedRouter], ['vqRouter', this.vqRouter]] as const) {
      const own = underPrefix(prefix, state);
      if (!Object.keys(own).length) continue;
      if (!router?.loadRouterState) throw new Error(`MoELayer.loadBuffers: the '${router?.strategy}' ${prefix} keeps no state, got ${Object.keys(own).join(', ')}`);
      router.loadRouterState(own);
    }
  }
}
