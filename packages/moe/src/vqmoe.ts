/**
 * VQMoE: the discrete path a MoE layer gains with `vq` ("On the Effectiveness of Discrete
 * Representations in Sparse Mixture of Experts"; docs/routing.md §4). The layer's experts serve
 * both paths; this file holds what the discrete path adds: its router (a codebook from @smoe/vq
 * inside the 'vq' strategy), the gate between the paths and the LayerNorms around the experts.
 *
 *   discrete path:   k(x) = argmin_j ‖x − e_j‖²,  q̃ = STE(e_{k(x)})      (the vq router's plan)
 *                    STE damped (default): q̃ = (1 − c)·x + c·sg[q − x], c = 0.05 (the authors' code);
 *                    standard: q̃ = x + sg[q − x]
 *                    out_d = LN(E_{k(x)}(LN(q̃)))
 *   continuous path: out_c = Σ w · E_e(x) from the layer's router (the authors: cosine router, top-1)
 *   regime 'mixed' (pre-training):  g = softmax(x W_mix) [tokens, 2];  y = g_0·out_c + g_1·out_d
 *   regime 'discrete' (fine-tuning, inference): y = out_d — the continuous router is not run
 *   loss: aux(router) + β_vq · L_vq   (the vq router's aux loss; β_vq = its vqLossWeight, 0.08)
 * Both regimes hold the same parameters, so `setRegime('discrete')` switches a trained layer.
 * In the mixed regime every token runs two expert FFNs, one per path (`expertRunsPerToken` 2).
 *
 * Parameter names are the layer's: vqRouter.*, mix, discreteInGain, discreteInBias,
 * discreteOutGain, discreteOutBias (MoELayer places them where checkpoints have them).
 *
 * Defaults: regime 'mixed'; router { strategy: 'vq' } (a codebook of `experts` codes, l2,
 * β_commit 0.25, damped STE with c = 0.05, β_vq 0.08); the layer's continuous router
 * `vqContinuousRouter`, StableMoE's cosine top-1 router, never frozen.
 */
import { Module, Rng, init, layerNorm, slice, softmax, type Tensor } from '@smoe/tensor';
import type { RouteContext, Router, RoutingPlan } from '@smoe/routers';
import { buildRouter, checkRouterConfig, type RouterConfig } from './router_config.js';
import { routingStats, type RoutingStats } from './statistics.js';
import { checkKeys, checkObject, checkOneOf, orDefault } from './validate.js';

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

/** A validated VQMoE config with its defaults filled in. */
export type ResolvedVQMoEConfig = Required<VQMoEConfig>;

/** The continuous path's router of a VQMoE layer when none is given: cosine scores, top-1 (StableMoE stage 1, never frozen). */
export const vqContinuousRouter: RouterConfig = { strategy: 'stableMoE', stage1Fraction: 1, distillationLossWeight: 0 };

/** Validates a layer config's `vq` section and fills in the defaults (`where` names the layer or model in errors). */
export function resolveVQMoEConfig(where: string, value: unknown): ResolvedVQMoEConfig {
  const vq = checkObject(where, 'vq', value) as VQMoEConfig;
  checkKeys(`${where}.vq`, vq, ['regime', 'router']);
  return {
    regime: checkOneOf(where, 'vq.regime', orDefault(vq.regime, 'mixed'), vqRegimes),
    router: checkRouterConfig(where, 'vq.router', orDefault(vq.router, { strategy: 'vq' })),
  };
}

/** One forward pass of a layer's routed experts, shared experts not yet added. */
export interface RoutedPass {
  /** The routed experts' output [tokens, dim]. */
  y: Tensor;
  /** The layer's plan: the router's, or VQMoE's discrete plan in the discrete regime. */
  plan: RoutingPlan;
  /** VQMoE: the discrete path's plan (the same object as `plan` in the discrete regime); null otherwise. */
  discrete: RoutingPlan | null;
  /** VQMoE's mixed regime: the gate g [tokens, 2]; null otherwise. */
  mixGate: Tensor | null;
}

/** What the VQ branch borrows from its MoE layer. */
export interface LayerExperts {
  /** Routes x with `router` and applies the layer's capacity. */
  route(router: Router, x: Tensor, context: RouteContext): Promise<RoutingPlan>;
  /** Σ w · E_e(rows) over the plan's pairs through the layer's experts → [tokens, dim]; rows default to x. */
  dispatch(x: Tensor, plan: RoutingPlan, rows?: Tensor): Tensor;
  /** The continuous path: the layer's router, then its experts. */
  continuous(x: Tensor, context: RouteContext): Promise<RoutedPass>;
}

/** VQMoE's discrete path and the gate that mixes it with the layer's continuous path. */
export class VQMoEBranch extends Module {
  /** The discrete path's router (a codebook inside). */
  vqRouter: Router;
  /** W_mix [dim, 2], the per-token gate between the continuous and discrete paths. */
  mix: Tensor;
  /** The LayerNorms around the discrete path's experts (gain, bias) [dim]. */
  discreteInGain: Tensor;
  discreteInBias: Tensor;
  discreteOutGain: Tensor;
  discreteOutBias: Tensor;
  /** The branch's settings; `setRegime` changes the regime in place (the layer's `config.vq` is this object). */
  readonly config: ResolvedVQMoEConfig;

  /** A branch for a layer of `experts` experts over width `dim`; `router` replaces building `config.router` when given. */
  constructor(config: ResolvedVQMoEConfig, shape: { experts: number; dim: number }, options: { rng: Rng; router?: Router }) {
    super();
    this.config = config;
    this.vqRouter = options.router ?? buildRouter(config.router, shape.experts, shape.dim, options.rng);
    this.mix = init.xavier([shape.dim, 2], { rng: options.rng });
    this.discreteInGain = init.ones([shape.dim]);
    this.discreteInBias = init.zeros([shape.dim]);
    this.discreteOutGain = init.ones([shape.dim]);
    this.discreteOutBias = init.zeros([shape.dim]);
  }

  /** Switches between 'mixed' and 'discrete' (fine-tuning / inference); the parameters stay. */
  setRegime(regime: VQRegime): void {
    this.config.regime = checkOneOf('MoELayer.setRegime', 'regime', regime, vqRegimes);
  }

  /** x: [tokens, dim] → the layer's routed pass in the current regime (the discrete path routes first). */
  async forward(x: Tensor, context: RouteContext, layer: LayerExperts): Promise<RoutedPass> {
    const discrete = await layer.route(this.vqRouter, x, context);
    const outDiscrete = this.discretePath(x, discrete, layer);
    if (this.config.regime === 'discrete') return { y: outDiscrete, plan: discrete, discrete, mixGate: null };
    const continuous = await layer.continuous(x, context);
    const mixGate = softmax(x.matmul(this.mix)); // [tokens, 2]
    const y = continuous.y.mul(slice(mixGate, 1, 0, 1)).add(outDiscrete.mul(slice(mixGate, 1, 1, 1)));
    return { y, plan: continuous.plan, discrete, mixGate };
  }

  /** out_d = LN(E_{k(x)}(LN(q̃))). */
  private discretePath(x: Tensor, plan: RoutingPlan, layer: LayerExperts): Tensor {
    if (!plan.quantized) throw new Error(`MoELayer: the discrete path's router '${this.vqRouter.strategy}' returned no quantized inputs (plan.quantized); use a VQ strategy`);
    const rows = layerNorm(plan.quantized, this.discreteInGain, this.discreteInBias);
    return layerNorm(layer.dispatch(x, plan, rows), this.discreteOutGain, this.discreteOutBias);
  }

  /**
   * Adds the discrete path's statistics to the layer's: in the mixed regime its code
   * perplexity, dead-code fraction and load CV (`discrete.loadCv`), and the mean gate of the
   * discrete path (`discreteGate`). In the discrete regime `stats` already describe its plan.
   */
  async addStatistics(stats: RoutingStats, pass: RoutedPass): Promise<void> {
    if (pass.discrete && pass.discrete !== pass.plan) {
      const d = await routingStats(pass.discrete);
      stats.codePerplexity = d.codePerplexity;
      stats.deadCodeFraction = d.deadCodeFraction;
      stats.strategy['discrete.loadCv'] = d.loadCv;
    }
    if (pass.mixGate) {
      const g = await pass.mixGate.data();
      let sum = 0;
      for (let t = 1; t < g.length; t += 2) sum += g[t];
      stats.strategy.discreteGate = sum / (g.length / 2);
    }
  }
}
