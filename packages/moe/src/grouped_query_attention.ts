/**
 * GroupedQueryAttention with rotary positions, as in Transformers' Mixtral, Qwen2-MoE and OLMoE
 * ("GQA: Training Generalized Multi-Query Transformer Models", Ainslie et al. 2023; RoFormer,
 * Su et al. 2021):
 *   q = x Wq (+ bq),  k = x Wk (+ bk),  v = x Wv (+ bv)        H query heads, G ≤ H key/value heads of width d
 *   OLMoE's qkNorm: q = RMSNorm(q), k = RMSNorm(k) over the whole projection, before the heads split
 *   q_h = RoPE(q_h), k_g = RoPE(k_g)
 *   y = concat_h softmax(q_h k_{g(h)}ᵀ / √d + causal mask) v_{g(h)} · Wo,   g(h) = floor(h / (H / G))
 * Shapes: Wq [dim, H·d], Wk, Wv [dim, G·d], Wo [H·d, dim] (Transformers stores each transposed).
 * Defaults: kvHeads = heads, headDim = dim / heads, ropeBase 10000, qkvBias false (Qwen2-MoE:
 * true), qkNorm false (OLMoE: true), normEps 1e-6; weights Normal(0, 0.02), biases zero.
 */
import { Module, Rng, attention, indexSelect, init, mergeHeads, rmsNorm, rope, splitHeads, tensor, type Tensor } from '@smoe/tensor';
import { checkBoolean, checkInteger, checkNumber, invalid, orDefault } from './validate.js';

/** Options of `GroupedQueryAttention`. */
export interface GroupedQueryAttentionOptions {
  /** Model width. */
  dim: number;
  /** Query heads H. */
  heads: number;
  /** Key/value heads G; must divide H. Default: heads. */
  kvHeads?: number;
  /** Width of each head. Default: dim / heads. */
  headDim?: number;
  /** RoPE's base θ (Transformers' `rope_theta`). Default 10000. */
  ropeBase?: number;
  /** Biases on the q, k, v projections (Qwen2-MoE). Default false. */
  qkvBias?: boolean;
  /** RMSNorm of the whole q and k projections (OLMoE). Default false. */
  qkNorm?: boolean;
  /** ε of the q/k RMSNorms. Default 1e-6. */
  normEps?: number;
  /** Generator for the initial weights (a fresh `Rng(0)` when absent). */
  rng?: Rng;
}

export class GroupedQueryAttention extends Module {
  readonly dim: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly ropeBase: number;
  readonly normEps: number;
  /** [dim, heads·headDim]. */
  query: Tensor;
  /** [dim, kvHeads·headDim]. */
  key: Tensor;
  /** [dim, kvHeads·headDim]. */
  value: Tensor;
  /** [heads·headDim, dim]. */
  output: Tensor;
  queryBias: Tensor | null;
  keyBias: Tensor | null;
  valueBias: Tensor | null;
  /** [heads·headDim] (qkNorm only). */
  queryNorm: Tensor | null;
  /** [kvHeads·headDim] (qkNorm only). */
  keyNorm: Tensor | null;
  /** Query head h reads key/value head floor(h / (heads / kvHeads)); null when they are equal. */
  readonly #kvHeadOfQuery: Tensor | null;

  constructor(options: GroupedQueryAttentionOptions) {
    super();
    const where = 'GroupedQueryAttention';
    this.dim = checkInteger(where, 'dim', options.dim, 1);
    this.heads = checkInteger(where, 'heads', options.heads, 1);
    this.kvHeads = checkInteger(where, 'kvHeads', orDefault(options.kvHeads, this.heads), 1, this.heads);
    if (this.heads % this.kvHeads !== 0) invalid(where, 'kvHeads', this.kvHeads, `a divisor of heads (${this.heads})`);
    if (options.headDim === undefined && this.dim % this.heads !== 0) invalid(where, 'heads', this.heads, `a divisor of dim (${this.dim}), or give headDim`);
    this.headDim = checkInteger(where, 'headDim', orDefault(options.headDim, this.dim / this.heads), 2);
    if (this.headDim % 2 !== 0) invalid(where, 'headDim', this.headDim, 'an even width (RoPE rotates pairs)');
    this.ropeBase = checkNumber(where, 'ropeBase', orDefault(options.ropeBase, 10000), 1, 1e12, { max: true });
    this.normEps = checkNumber(where, 'normEps', orDefault(options.normEps, 1e-6), 0, 1);
    const bias = checkBoolean(where, 'qkvBias', orDefault(options.qkvBias, false));
    const qkNorm = checkBoolean(where, 'qkNorm', orDefault(options.qkNorm, false));
    const rng = options.rng ?? new Rng(0);
    const q = this.heads * this.headDim;
    const kv = this.kvHeads * this.headDim;
    this.query = init.normal([this.dim, q], 0.02, { rng });
    this.key = init.normal([this.dim, kv], 0.02, { rng });
    this.value = init.normal([this.dim, kv], 0.02, { rng });
    this.output = init.normal([q, this.dim], 0.02, { rng });
    this.queryBias = bias ? init.zeros([q]) : null;
    this.keyBias = bias ? init.zeros([kv]) : null;
    this.valueBias = bias ? init.zeros([kv]) : null;
    this.queryNorm = qkNorm ? init.ones([q]) : null;
    this.keyNorm = qkNorm ? init.ones([kv]) : null;
    const group = this.heads / this.kvHeads;
    this.#kvHeadOfQuery = group === 1 ? null : tensor(Int32Array.from({ length: this.heads }, (_, h) => Math.floor(h / group)), [this.heads], { dtype: 'int32' });
  }

  /** x: [batch, tokens, dim] → [batch, tokens, dim], causal. */
  forward(x: Tensor): Tensor {
    const project = (weight: Tensor, bias: Tensor | null, norm: Tensor | null, heads: number): Tensor => {
      let p = x.matmul(weight);
      if (bias) p = p.add(bias);
      if (norm) p = rmsNorm(p, norm, this.normEps);
      return splitHeads(p, heads); // [batch, heads, tokens, headDim]
    };
    const shareHeads = (t: Tensor): Tensor => (this.#kvHeadOfQuery ? indexSelect(t, 1, this.#kvHeadOfQuery) : t);
    const q = rope(project(this.query, this.queryBias, this.queryNorm, this.heads), { base: this.ropeBase });
    const k = shareHeads(rope(project(this.key, this.keyBias, this.keyNorm, this.kvHeads), { base: this.ropeBase }));
    const v = shareHeads(project(this.value, this.valueBias, null, this.kvHeads));
    return mergeHeads(attention(q, k, v, { causal: true })).matmul(this.output);
  }
}
