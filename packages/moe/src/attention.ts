/**
 * MultiHeadAttention (Vaswani et al. 2017, "Attention Is All You Need"):
 *   q = x Wq + bq, k = x Wk + bk, v = x Wv + bv   split into H heads of dim/H
 *   y = concat_h softmax(q_h k_hᵀ / √(dim/H) [+ causal mask]) v_h · Wo + bo
 * Causal for the language model, bidirectional for the ViT. Dropout on the output projection
 * (residual dropout is applied by the block).
 * Defaults: causal true; Xavier-normal projections, zero biases.
 */
import { Module, Rng, attention, init, mergeHeads, splitHeads, type Tensor } from '@smoe/tensor';
import { checkInteger, invalid } from './validate.js';

/** Options of `MultiHeadAttention`. */
export interface MultiHeadAttentionOptions {
  dim: number;
  /** Number of heads; must divide dim. */
  heads: number;
  /** Mask future positions (a decoder). Default true. */
  causal?: boolean;
  /** Generator for the initial weights (a fresh `Rng(0)` when absent). */
  rng?: Rng;
}

export class MultiHeadAttention extends Module {
  readonly dim: number;
  readonly heads: number;
  readonly causal: boolean;
  query: Tensor;
  queryBias: Tensor;
  key: Tensor;
  keyBias: Tensor;
  value: Tensor;
  valueBias: Tensor;
  output: Tensor;
  outputBias: Tensor;

  constructor(options: MultiHeadAttentionOptions) {
    super();
    const where = 'MultiHeadAttention';
    this.dim = checkInteger(where, 'dim', options.dim, 1);
    this.heads = checkInteger(where, 'heads', options.heads, 1);
    if (this.dim % this.heads !== 0) invalid(where, 'heads', options.heads, `a divisor of dim (${this.dim})`);
    this.causal = options.causal ?? true;
    const rng = options.rng ?? new Rng(0);
    const d = this.dim;
    this.query = init.xavier([d, d], { rng });
    this.key = init.xavier([d, d], { rng });
    this.value = init.xavier([d, d], { rng });
    this.output = init.xavier([d, d], { rng });
    this.queryBias = init.zeros([d]);
    this.keyBias = init.zeros([d]);
    this.valueBias = init.zeros([d]);
    this.outputBias = init.zeros([d]);
  }

  /** x: [batch, tokens, dim] → [batch, tokens, dim]. */
  forward(x: Tensor): Tensor {
    const q = splitHeads(x.matmul(this.query).add(this.queryBias), this.heads);
    const k = splitHeads(x.matmul(this.key).add(this.keyBias), this.heads);
    const v = splitHeads(x.matmul(this.value).add(this.valueBias), this.heads);
    const heads = attention(q, k, v, { causal: this.causal }); // [batch, heads, tokens, dim/heads]
    return mergeHeads(heads).matmul(this.output).add(this.outputBias);
  }
}
