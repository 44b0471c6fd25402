/**
 * SoftMoELayer — Soft MoE ("From Sparse to Soft Mixtures of Experts", Puigcerver, Riquelme,
 * Mustafa and Houlsby, 2023): no (token, expert) pairs at all. Each expert reads p slots, and
 * every slot is a softmax-weighted mixture of all the tokens of one group (one image or one
 * sequence); every token's output is a softmax-weighted mixture of all the slots' outputs.
 *
 *   X: [m tokens, d] of one group;  Φ: [d, n·p] slot parameters (n experts, p slots per expert)
 *   normalize (the paper's stabiliser): X ← X / ‖X‖ per token,  Φ ← scale · Φ / ‖Φ‖ per column
 *   logits = X·Φ                                     [m, n·p]
 *   D = softmax over tokens (each column of logits)   dispatch weights
 *   C = softmax over slots (each row of logits)       combine weights
 *   X̃ = Dᵀ·X   [n·p, d];   Ỹ_s = E_{⌊s/p⌋}(X̃_s);   Y = C·Ỹ   [m, d]
 *
 * Fully differentiable; no token is dropped (every row of C sums to 1, every token takes part
 * in every slot) and no expert is ever over- or under-loaded (each gets exactly p slots per
 * group). Permuting the tokens of a group permutes the outputs the same way. Each slot mixes
 * the whole group, so the layer is not causal: use it in encoders and ViTs, never in a
 * causal language model (the model refuses it there).
 *
 * Defaults: slotsPerExpert 1, normalize true (scale initialised to 1), Φ ~ N(0, 1/d), the
 * experts as in experts.ts ('gelu', Xavier-normal weights).
 */
import { Module, Rng, init, softmax, tensor, type Tensor } from '@smoe/tensor';
import { Experts } from './experts.js';
import { activations, type Activation } from './feed_forward.js';
import type { MoEContext } from './moe_layer.js';
import type { RoutingStats } from './statistics.js';
import { checkBoolean, checkInteger, checkKeys, checkObject, checkOneOf, invalid, orDefault, withCurrentNames } from './validate.js';

/** The Soft MoE part of a model's `moe` config. */
export interface SoftMoEConfig {
  /** Slots each expert processes per group (p). Default 1. */
  slotsPerExpert?: number;
  /** L2-normalise tokens and slot parameters, with a learned scale (the paper's stabiliser). Default true. */
  normalize?: boolean;
}

/** A Soft MoE layer's config (plain JSON). */
export interface SoftMoELayerConfig extends SoftMoEConfig {
  /** Model width d. */
  dim: number;
  /** Hidden width of each expert's FFN. */
  expertDim: number;
  /** Number of experts n. */
  experts: number;
  /** Expert FFN: 'gelu' (default) or 'swiglu'. */
  expertType?: Activation;
}

export type ResolvedSoftMoELayerConfig = Required<SoftMoELayerConfig>;

/** Validates the `soft` section of a model's moe config. */
export function resolveSoftMoEConfig(where: string, value: unknown): Required<SoftMoEConfig> {
  const soft = checkObject(where, 'soft', value) as SoftMoEConfig;
  checkKeys(`${where}.soft`, soft, ['slotsPerExpert', 'normalize']);
  return {
    slotsPerExpert: checkInteger(where, 'soft.slotsPerExpert', orDefault(soft.slotsPerExpert, 1), 1),
    normalize: checkBoolean(where, 'soft.normalize', orDefault(soft.normalize, true)),
  };
}

/** Validates a Soft MoE layer config and fills in the defaults; `hidden`, expertDim's former name, is read as expertDim. */
export function resolveSoftMoELayerConfig(given: SoftMoELayerConfig, where = 'SoftMoELayer'): ResolvedSoftMoELayerConfig {
  checkObject(where, 'config', given);
  const config = withCurrentNames(where, given, { hidden: 'expertDim' });
  checkKeys(where, config, ['dim', 'expertDim', 'experts', 'expertType', 'slotsPerExpert', 'normalize']);
  const { dim, expertDim, experts, expertType, ...soft } = config;
  return {
    dim: checkInteger(where, 'dim', dim, 1),
    expertDim: checkInteger(where, 'expertDim', expertDim, 1),
    experts: checkInteger(where, 'experts', experts, 1),
    expertType: checkOneOf(where, 'expertType', orDefault(expertType, 'gelu'), activations),
    ...resolveSoftMoEConfig(where, soft),
  };
}

/** Dispatch and combine weights of one forward pass. */
export interface SoftMoEWeights {
  /** [groups, slots, m]: D transposed — each slot's weights over the group's tokens (rows sum to 1). */
  dispatch: Tensor;
  /** [groups, m, slots]: C — each token's weights over the slots (rows sum to 1). */
  combine: Tensor;
}

export class SoftMoELayer extends Module {
  readonly config: ResolvedSoftMoELayerConfig;
  experts: Experts;
  /** Φ: [dim, experts · slotsPerExpert]. */
  slots: Tensor;
  /** [1]: the learned scale of the normalised Φ (normalize only). */
  slotScale: Tensor | null;
  /** Soft MoE has no auxiliary loss; kept for the models' bookkeeping (always null). */
  auxLoss: Tensor | null = null;
  /** After each forward: statistics in the routing-statistics shape (every token reaches every expert; nothing dropped). */
  lastStats: RoutingStats | null = null;
  /** After each forward: the dispatch and combine weights. */
  lastWeights: SoftMoEWeights | null = null;
  /** Soft MoE is never a VQMoE layer. */
  readonly regime = null;

  constructor(config: SoftMoELayerConfig, options: { rng?: Rng } = {}) {
    super();
    const c = resolveSoftMoELayerConfig(config);
    this.config = c;
    const rng = options.rng ?? new Rng(0);
    this.experts = new Experts({ experts: c.experts, dim: c.dim, expertDim: c.expertDim, activation: c.expertType, rng });
    this.slots = init.normal([c.dim, c.experts * c.slotsPerExpert], Math.sqrt(1 / c.dim), { rng });
    this.slotScale = c.normalize ? init.ones([1]) : null;
  }

  /** Slots per group: experts · slotsPerExpert. */
  get slotCount(): number {
    return this.config.experts * this.config.slotsPerExpert;
  }

  /** Dispatch and combine weights for x: [groups, m, dim]. */
  weights(x: Tensor): SoftMoEWeights {
    let tokens = x;
    let phi = this.slots;
    if (this.slotScale) {
      tokens = x.div(x.square().sum(-1, true).add(1e-6).sqrt());
      phi = phi.div(phi.square().sum(0, true).add(1e-6).sqrt()).mul(this.slotScale);
    }
    const logits = tokens.matmul(phi); // [groups, m, slots]
    return { dispatch: softmax(logits.transpose(1, 2)), combine: softmax(logits) };
  }

  /** x: [tokens, dim] → [tokens, dim]; tokens are mixed within groups of `context.groupSize` (one image or sequence; default all). */
  async forward(x: Tensor, context: MoEContext = {}): Promise<Tensor> {
    const { dim, experts, slotsPerExpert } = this.config;
    if (x.rank !== 2 || x.shape[1] !== dim) invalid('SoftMoELayer.forward', 'x.shape', x.shape, `[tokens, ${dim}]`);
    const total = x.shape[0];
    const m = context.groupSize ?? total;
    if (!Number.isInteger(m) || m < 1 || total % m !== 0) invalid('SoftMoELayer.forward', 'groupSize', m, `a positive divisor of the ${total} tokens`);
    const groups = total / m;
    const grouped = x.reshape([groups, m, dim]);
    const w = this.weights(grouped);
    const slotInputs = w.dispatch.matmul(grouped).reshape([groups * this.slotCount, dim]); // X̃
    const expert = new Int32Array(groups * this.slotCount);
    for (let s = 0; s < expert.length; s++) expert[s] = Math.floor((s % this.slotCount) / slotsPerExpert);
    const slotOutputs = this.experts.forward(slotInputs, tensor(expert, [expert.length], { dtype: 'int32' })); // Ỹ
    const y = w.combine.matmul(slotOutputs.reshape([groups, this.slotCount, dim]));
    this.lastWeights = w;
    this.lastStats = softStats(total, experts, groups * slotsPerExpert, await routingEntropy(w.combine));
    return y.reshape([total, dim]);
  }

  /** Soft MoE keeps no state besides its parameters. */
  override async buffers(): Promise<Record<string, Float32Array>> {
    return {};
  }
}

/** Mean over tokens of the entropy (nats) of each token's combine weights over the slots. */
async function routingEntropy(combine: Tensor): Promise<number> {
  const c = await combine.data();
  const width = combine.shape[combine.rank - 1];
  let total = 0;
  for (let i = 0; i < c.length; i++) if (c[i] > 0) total -= c[i] * Math.log(c[i]);
  return total / (c.length / width);
}

/**
 * Soft MoE in the statistics every layer reports: each expert processes `slotsPerExpertTotal`
 * slots (perfect balance), no token is dropped or unrouted, and the expert work per token is
 * slots / tokens (`expertsPerToken` and `expertRunsPerToken`: the FFN rows run per token).
 */
function softStats(tokens: number, experts: number, slotsPerExpertTotal: number, entropy: number): RoutingStats {
  const pairs = experts * slotsPerExpertTotal;
  return {
    tokens,
    experts,
    pairs,
    load: new Array<number>(experts).fill(slotsPerExpertTotal),
    loadCv: 0,
    loadEntropy: Math.log(experts),
    maxLoadRatio: 1,
    routingEntropy: entropy,
    droppedFraction: 0,
    unroutedTokens: 0,
    unroutedFraction: 0,
    expertsPerToken: pairs / tokens,
    expertRunsPerToken: pairs / tokens,
    codePerplexity: null,
    deadCodeFraction: null,
    strategy: { slots: pairs },
  };
}
