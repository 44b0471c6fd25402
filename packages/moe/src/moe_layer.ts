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
 * experts per token, tokens may get none) and, with `vq`, the VQMoE layer: a discrete path
 * through the same experts, routed by a codebook, mixed with the router's path by a learned gate
 * in the 'mixed' regime or alone in the 'discrete' one (vqmoe.ts; docs/routing.md §4).
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
 * expertType 'gelu', sharedExperts 0, sharedExpertDim = expertDim, capacityFactor 0 (dropless),
 * evalCapacityFactor = capacityFactor, capacityPriority 'arrival', selection null (the router's
 * own rule), no vq; vq: regime 'mixed',
 * router { strategy: 'vq' } (codebook of `experts` codes, l2, β_commit 0.25, β_vq 0.08).
 */
import { Module, Rng, type Tensor } from '@smoe/tensor';
import { withSelection, type RouteContext, type Router, type RoutingPlan } from '@smoe/routers';
import { applyCapacity, expertCapacity, padPlan, staticRowCount, type CapacityPriority } from './capacity.js';
import { Experts } from './experts.js';
import { FeedForward, activations, type Activation } from './feed_forward.js';
import { checkBufferNames, loadRouterBuffers, routerBuffers } from './buffers.js';
import { buildRouter, checkRouterConfig, checkSelectionConfig, type RouterConfig, type SelectionConfig } from './router_config.js';
import { routingStats, type RoutingStats } from './statistics.js';
import { checkBoolean, checkInteger, checkKeys, checkNumber, checkObject, checkOneOf, invalid, orDefault, withCurrentNames } from './validate.js';
import { VQMoEBranch, resolveVQMoEConfig, vqContinuousRouter, type LayerExperts, type ResolvedVQMoEConfig, type RoutedPass, type VQMoEConfig, type VQRegime } from './vqmoe.js';

/** A MoE layer's config (plain JSON). */
export interface MoELayerConfig {
  /** Model width. */
  dim: number;
  /** Hidden width of each expert's FFN (its d_ff). */
  expertDim: number;
  /** Number of routed experts. */
  experts: number;
  /** The router (the continuous path's router under vq). Default { strategy: 'tokenChoice', topK: 2 }. */
  router?: RouterConfig;
  /** Expert FFN: 'gelu' (default) or 'swiglu'. */
  expertType?: Activation;
  /** Always-on shared experts (DeepSeekMoE). Default 0. */
  sharedExperts?: number;
  /** Hidden width of each shared expert's FFN. Default: expertDim. */
  sharedExpertDim?: number;
  /** Capacity factor in training; 0 = dropless (default). */
  capacityFactor?: number;
  /** Capacity factor in evaluation. Default: capacityFactor. */
  evalCapacityFactor?: number;
  /** Which pairs an over-full expert keeps: 'arrival' (default) or 'weight'. */
  capacityPriority?: CapacityPriority;
  /** Another selection rule for the trained router's scores (training-free USMoE). Default null. */
  selection?: SelectionConfig | null;
  /** Makes this a VQMoE layer (vqmoe.ts). Default: absent (a plain MoE layer). */
  vq?: VQMoEConfig | null;
  /**
   * Route causally: a token's routing depends only on itself and earlier positions of its
   * sequence (expert choice and USMoE by calibrated thresholds, capacity position-major;
   * docs/routing.md §2). Decoders set it; default false (encoders, ViTs).
   */
  causalRouting?: boolean;
}

/** A validated config with every default filled in. */
export type ResolvedMoELayerConfig = Required<Omit<MoELayerConfig, 'vq' | 'selection'>> & { selection: SelectionConfig | null; vq: ResolvedVQMoEConfig | null };

const layerKeys = ['dim', 'expertDim', 'experts', 'router', 'expertType', 'sharedExperts', 'sharedExpertDim', 'capacityFactor', 'evalCapacityFactor', 'capacityPriority', 'selection', 'vq', 'causalRouting'];

/** The layer's fields under their former names, still read from configs saved before the rename. */
const formerLayerFieldNames: Readonly<Record<string, string>> = { hidden: 'expertDim', sharedHidden: 'sharedExpertDim' };

/**
 * Validates a layer config and fills in the defaults (`where` names the layer or model in
 * errors). Former field names (`formerLayerFieldNames`) are read as the current ones.
 */
export function resolveMoELayerConfig(given: MoELayerConfig, where = 'MoELayer'): ResolvedMoELayerConfig {
  checkObject(where, 'config', given);
  const config = withCurrentNames(where, given, formerLayerFieldNames);
  checkKeys(where, config, layerKeys);
  const expertDim = checkInteger(where, 'expertDim', config.expertDim, 1);
  const capacityFactor = checkNumber(where, 'capacityFactor', orDefault(config.capacityFactor, 0), 0, 1e6);
  const vq = config.vq ? resolveVQMoEConfig(where, config.vq) : null;
  return {
    dim: checkInteger(where, 'dim', config.dim, 1),
    expertDim,
    experts: checkInteger(where, 'experts', config.experts, 1),
    router: checkRouterConfig(where, 'router', orDefault(config.router, vq ? vqContinuousRouter : { strategy: 'tokenChoice', topK: 2 })),
    expertType: checkOneOf(where, 'expertType', orDefault(config.expertType, 'gelu'), activations),
    sharedExperts: checkInteger(where, 'sharedExperts', orDefault(config.sharedExperts, 0), 0),
    sharedExpertDim: checkInteger(where, 'sharedExpertDim', orDefault(config.sharedExpertDim, expertDim), 1),
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
  experts: Experts;
  /** The shared experts as one FFN of width sharedExperts · sharedExpertDim (the sum of the shared FFNs). */
  shared: FeedForward | null;
  /** VQMoE: the discrete path, its router and the gate between the paths (vqmoe.ts); null for a plain MoE layer. */
  readonly vq: VQMoEBranch | null;

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
  /** The layer's routing and experts as the VQ branch uses them. */
  readonly #paths: LayerExperts = {
    route: (router, x, context) => this.route(router, x, context),
    dispatch: (x, plan, rows) => this.experts.dispatch(x, padPlan(plan, staticRowCount(plan)), rows),
    continuous: async (x, context) => {
      const plan = await this.route(this.router, x, context);
      return { y: this.#paths.dispatch(x, plan), plan, discrete: null, mixGate: null };
    },
  };

  constructor(config: MoELayerConfig, options: MoELayerOptions = {}) {
    super();
    const c = resolveMoELayerConfig(config);
    this.config = c;
    const rng = options.rng ?? new Rng(0);
    this.#trainedRouter = options.router ?? buildRouter(c.router, c.experts, c.dim, rng);
    this.router = this.#trainedRouter;
    this.experts = new Experts({ experts: c.experts, dim: c.dim, expertDim: c.expertDim, activation: c.expertType, rng });
    this.shared = c.sharedExperts > 0 ? new FeedForward({ dim: c.dim, ffDim: c.sharedExperts * c.sharedExpertDim, activation: c.expertType, rng }) : null;
    this.vq = c.vq ? new VQMoEBranch(c.vq, c, { rng, router: options.vqRouter }) : null;
    for (const [field, router] of this.#routers()) {
      if (router.experts !== c.experts) invalid('MoELayer', `${field}.experts`, router.experts, `the layer's ${c.experts} experts`);
    }
    if (c.selection) this.setSelection(c.selection);
  }

  /** The trained routers by the prefix of their parameters and buffers: 'router', and 'vqRouter' for VQMoE. */
  #routers(): Array<[string, Router]> {
    return this.vq ? [['router', this.#trainedRouter], ['vqRouter', this.vq.vqRouter]] : [['router', this.#trainedRouter]];
  }

  /**
   * The layer's fields in the order, and under the names, that checkpoints, the optimizer and
   * gradient clipping have always had: router, vqRouter, experts, shared, then mix and the
   * discrete path's LayerNorms — the VQ branch's parts stand where they stood as the layer's own.
   */
  override namedFields(): Array<[string, unknown]> {
    const own = super.namedFields().filter(([key]) => key !== 'vq');
    if (!this.vq) return own;
    const branch = this.vq.namedFields();
    const afterRouter = own.findIndex(([key]) => key === 'router') + 1;
    return [...own.slice(0, afterRouter), ...branch.filter(([key]) => key === 'vqRouter'), ...own.slice(afterRouter), ...branch.filter(([key]) => key !== 'vqRouter')];
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
    this.config.selection = selection;
  }

  /** The VQMoE regime, or null for a plain MoE layer. */
  get regime(): VQRegime | null {
    return this.vq?.config.regime ?? null;
  }

  /** Switches a VQMoE layer between 'mixed' and 'discrete' (fine-tuning / inference); the parameters stay. `config.vq` follows. */
  setRegime(regime: VQRegime): void {
    if (!this.vq) invalid('MoELayer.setRegime', 'config.vq', null, 'a VQMoE layer (config.vq set)');
    this.vq.setRegime(regime);
  }

  /** x: [tokens, dim] → [tokens, dim]. Afterwards `lastPlan`, `lastStats` and `auxLoss` describe this pass. */
  async forward(x: Tensor, context: MoEContext = {}): Promise<Tensor> {
    if (x.rank !== 2 || x.shape[1] !== this.config.dim) invalid('MoELayer.forward', 'x.shape', x.shape, `[tokens, ${this.config.dim}]`);
    const ctx: RouteContext = { ...context, training: context.training ?? this.training, causal: context.causal ?? this.config.causalRouting };
    // expert FFN rows this pass runs (compute statistics): every dispatched pair of every path,
    // and all experts on every token where CompeteSMoE asks for the competition
    let runs = 0;
    const competition = ctx.expertOutputNorms;
    ctx.expertOutputNorms = () => {
      runs += x.shape[0] * this.config.experts;
      return competition ? competition() : this.experts.all(x).square().sum(-1).sqrt().transpose(0, 1);
    };
    const pass: RoutedPass = this.vq ? await this.vq.forward(x, ctx, this.#paths) : await this.#paths.continuous(x, ctx);
    const y = this.shared ? pass.y.add(this.shared.forward(x)) : pass.y;

    const { plan, discrete } = pass;
    const plans = discrete && discrete !== plan ? [plan, discrete] : [plan];
    for (const p of plans) runs += p.tokenIndex.length;
    const aux = plans.flatMap((p) => (p.auxLoss ? [p.auxLoss] : []));
    this.auxLoss = aux.length ? aux.reduce((a, b) => a.add(b)) : null;
    this.lastLosses = {};
    for (const p of plans) for (const [name, loss] of Object.entries(p.losses)) this.lastLosses[p === discrete ? `vq.${name}` : name] = loss;
    this.lastPlan = plan;
    this.lastDiscretePlan = discrete;
    this.lastInput = x.detach();
    this.lastStats = await routingStats(plan);
    await this.vq?.addStatistics(this.lastStats, pass);
    this.lastStats.expertRunsPerToken = runs / x.shape[0];
    return y;
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

  /** Router state that is not a parameter (auxiliary-loss-free bias, StableMoE's stage, VQ codebook usage), for checkpoints. */
  override async buffers(): Promise<Record<string, Float32Array>> {
    let out: Record<string, Float32Array> = {};
    for (const [prefix, router] of this.#routers()) out = { ...out, ...(await routerBuffers(prefix, router)) };
    return out;
  }

  /** Restores what `buffers()` returned. */
  override loadBuffers(state: Record<string, Float32Array>): void {
    const routers = this.#routers();
    checkBufferNames('MoELayer.loadBuffers', state, routers.map(([prefix]) => prefix));
    for (const [prefix, router] of routers) loadRouterBuffers('MoELayer.loadBuffers', prefix, router, state);
  }
}
