/**
 * vq — routing by a discrete code (the seed paper "On the Effectiveness of Discrete
 * Representations in Sparse Mixture of Experts", VQMoE): a codebook of K vectors learned by
 * vector quantization; a token goes to the expert of its nearest code — routing by
 * indirection, with no router scores to be inconsistent.
 *
 *   k(x) = argmin_j ‖x − e_j‖²  (or cosine)        expert = k(x) mod N   (K ≥ N; K = N by default)
 *   q = e_{k(x)};  q̃ = (1 − c)·x + c·sg[q − x] (damped, c = 0.05: the authors' code)
 *                  or x + sg[q − x] (standard: forward value q, so the discrete path would see
 *                  one of K inputs per layer — a lookup table; docs/routing.md §4)
 *   L_vq = ‖sg[x] − q‖² + β_commit·‖x − sg[q]‖²,  β_commit = 0.25
 *   aux loss = β_vq · L_vq,  β_vq = 0.08;  weight 1 per token
 *
 * The plan carries q̃ (plan.quantized: the discrete path's input, LN(E_k(LN(q̃)))) and the codes
 * (plan.codes); stats report the code perplexity, dead-code fraction and restarts. Mixing
 * with a continuous router for pre-training is the MoE layer's job (@smoe/moe).
 *
 * Defaults: codebookSize N, distance 'l2', commitmentWeight 0.25, straightThrough 'damped',
 * dampRate 0.05, ema off, kmeansInit off, deadCodeThreshold 0 (off), vqLossWeight 0.08.
 */
import { Module, type Tensor } from '@smoe/tensor';
import { Codebook, type CodebookConfig, type CodebookState } from '@smoe/vq';
import { buildPlan } from '../build-plan.js';
import { checkKeys, orDefault, checkInteger, lossWeight } from '../options.js';
import type { RouteContext, Router, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { attachLosses } from '../router.js';
import type { WithoutShape } from './token-choice.js';

/** Codebook options passed through to @smoe/vq. */
const codebookKeys = ['distance', 'commitmentWeight', 'straightThrough', 'dampRate', 'ema', 'kmeansInit', 'deadCodeThreshold', 'usageDecay', 'deadUsageThreshold', 'initStd', 'seed'] as const;

/** Options of vq. */
export interface VqRouterOptions extends Omit<CodebookConfig, 'size' | 'dim'> {
  experts: number;
  dim: number;
  /** Number of codes K ≥ N. Default N. */
  codebookSize?: number;
  /** β_vq, the coefficient of L_vq in the aux loss. Default 0.08. */
  vqLossWeight?: number;
}

/** Routes each token to the expert of its nearest code. */
export class VqRouter extends Module implements Router {
  readonly strategy = 'vq';
  readonly experts: number;
  readonly vqLossWeight: number;
  codebook: Codebook;

  constructor(options: VqRouterOptions) {
    super();
    const where = 'vq';
    checkKeys(where, options, ['experts', 'dim', 'codebookSize', 'vqLossWeight', ...codebookKeys]);
    this.experts = checkInteger(where, 'experts', options.experts, 1);
    const dim = checkInteger(where, 'dim', options.dim, 1);
    const size = checkInteger(where, 'codebookSize', orDefault<unknown>(options.codebookSize, this.experts), this.experts, Infinity, `K ≥ N = ${this.experts}: every expert needs a code`);
    this.vqLossWeight = lossWeight(where, 'vqLossWeight', orDefault(options.vqLossWeight, 0.08));
    // the damped estimator by default: the authors' code feeds the experts mostly the token itself
    const config: CodebookConfig = { size, dim, straightThrough: 'damped' };
    for (const key of codebookKeys) if (options[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = options[key];
    this.codebook = new Codebook(config);
  }

  async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const result = await this.codebook.quantize(x, { training: context.training });
    const tokens = x.shape[0];
    const expert = new Int32Array(tokens);
    for (let t = 0; t < tokens; t++) expert[t] = result.codeIndex[t] % this.experts;
    const plan = await buildPlan({
      tokens,
      experts: this.experts,
      token: Int32Array.from({ length: tokens }, (_, t) => t),
      expert,
      stats: { perplexity: result.perplexity, deadFraction: result.deadFraction, restartedCodes: result.restartedCodes },
    });
    plan.quantized = result.quantized;
    plan.codes = result.codeIndex;
    plan.losses.codebook = result.codebookLoss;
    plan.losses.commitment = result.commitmentLoss;
    return attachLosses(plan, { vq: { loss: result.loss, weight: this.vqLossWeight } });
  }

  async routerState(): Promise<Record<string, Float32Array>> {
    const s = await this.codebook.saveState();
    return {
      'codebook.usage': s.usage,
      'codebook.usageSteps': Float32Array.of(s.usageSteps),
      'codebook.initialised': Float32Array.of(s.initialised ? 1 : 0),
      'codebook.rng': encodeRng(s.rng),
      ...(s.clusterSize ? { 'codebook.clusterSize': s.clusterSize } : {}),
      ...(s.embeddingSum ? { 'codebook.embeddingSum': s.embeddingSum } : {}),
    };
  }

  loadRouterState(state: Record<string, Float32Array>): void {
    const need = (name: string): Float32Array => {
      const v = state[`codebook.${name}`];
      if (!v) throw new Error(`vq: loadRouterState needs 'codebook.${name}'`);
      return v;
    };
    const restored: CodebookState = {
      usage: need('usage'),
      usageSteps: need('usageSteps')[0],
      initialised: need('initialised')[0] === 1,
      rng: decodeRng(need('rng')),
      ...(state['codebook.clusterSize'] ? { clusterSize: state['codebook.clusterSize'] } : {}),
      ...(state['codebook.embeddingSum'] ? { embeddingSum: state['codebook.embeddingSum'] } : {}),
    };
    this.codebook.loadState(restored);
  }
}

type RngState = CodebookState['rng'];

// float32 holds integers exactly only below 2^24: 32-bit words and the cached normal (a
// float64) are stored as 16-bit halves.
function encodeRng(state: RngState): Float32Array {
  const out = new Float32Array(8 + 1 + 4);
  state.words.forEach((w, i) => {
    out[2 * i] = w >>> 16;
    out[2 * i + 1] = w & 0xffff;
  });
  const spare = state.spare ?? null;
  out[8] = spare === null ? 0 : 1;
  const bits = new Uint16Array(new Float64Array([spare ?? 0]).buffer);
  bits.forEach((b, i) => (out[9 + i] = b));
  return out;
}

function decodeRng(encoded: Float32Array): RngState {
  if (encoded.length !== 13) throw new Error(`vq: 'codebook.rng' must hold 13 values, got ${encoded.length}`);
  const words = [0, 1, 2, 3].map((i) => ((encoded[2 * i] << 16) | encoded[2 * i + 1]) >>> 0);
  const spare = encoded[8] === 1 ? new Float64Array(Uint16Array.from(encoded.slice(9, 13)).buffer)[0] : null;
  return { words, spare };
}

/** A vq configuration. */
export function vq(options: WithoutShape<VqRouterOptions> = {}): RouterConfig {
  return { strategy: 'vq', ...options };
}
