/**
 * TransformerBlock, pre-norm (GPT-2 / "On Layer Normalization in the Transformer Architecture",
 * Xiong et al. 2020):
 *   h = x + Dropout(Attention(LN₁(x)))
 *   y = h + Dropout(FFN(LN₂(h)))        FFN: a dense FeedForward or a MoELayer
 * x: [batch, tokens, dim]. The MoE layer routes the batch·tokens rows together; the block
 * passes groupSize = tokens (one sequence or image) to routers that select per group.
 * Defaults: dropout 0, causal true.
 */
import { Module, Rng, dropout, init, layerNorm, type Tensor } from '@smoe/tensor';
import { MultiHeadAttention } from './attention.js';
import { FeedForward } from './feed_forward.js';
import { MoELayer, type MoEContext } from './moe_layer.js';
import type { MoEPlusPlusLayer } from './moe_plus_plus.js';
import type { SoftMoELayer } from './soft_moe.js';

/** Options of `TransformerBlock`. */
export interface TransformerBlockOptions {
  dim: number;
  heads: number;
  /** The block's FFN: dense, sparse, Soft MoE or MoE++. */
  ffn: FeedForward | MoELayer | SoftMoELayer | MoEPlusPlusLayer;
  /** Mask future positions. Default true. */
  causal?: boolean;
  /** Residual dropout probability. Default 0. */
  dropout?: number;
  /** Generator for the initial weights. */
  rng?: Rng;
}

export class TransformerBlock extends Module {
  readonly dropout: number;
  attention: MultiHeadAttention;
  attentionNormGain: Tensor;
  attentionNormBias: Tensor;
  ffn: FeedForward | MoELayer | SoftMoELayer | MoEPlusPlusLayer;
  ffnNormGain: Tensor;
  ffnNormBias: Tensor;

  constructor(options: TransformerBlockOptions) {
    super();
    this.dropout = options.dropout ?? 0;
    this.attention = new MultiHeadAttention({ dim: options.dim, heads: options.heads, causal: options.causal ?? true, rng: options.rng });
    this.attentionNormGain = init.ones([options.dim]);
    this.attentionNormBias = init.zeros([options.dim]);
    this.ffn = options.ffn;
    this.ffnNormGain = init.ones([options.dim]);
    this.ffnNormBias = init.zeros([options.dim]);
  }

  /** The block's MoE layer, or null for a dense block. */
  get moe(): MoELayer | null {
    return this.ffn instanceof MoELayer ? this.ffn : null;
  }

  /** The block's mixture-of-experts layer of any kind (routed, Soft MoE, MoE++), or null for a dense block. */
  get mixture(): MoELayer | SoftMoELayer | MoEPlusPlusLayer | null {
    return this.ffn instanceof FeedForward ? null : this.ffn;
  }

  /** x: [batch, tokens, dim] → [batch, tokens, dim]. `rng` drives dropout. */
  async forward(x: Tensor, context: MoEContext = {}, rng?: Rng): Promise<Tensor> {
    const [batch, tokens, dim] = x.shape;
    const drop = (t: Tensor): Tensor => dropout(t, this.dropout, { training: this.training, rng });
    const h = x.add(drop(this.attention.forward(layerNorm(x, this.attentionNormGain, this.attentionNormBias))));
    const normed = layerNorm(h, this.ffnNormGain, this.ffnNormBias).reshape([batch * tokens, dim]);
    const out = this.ffn instanceof FeedForward ? this.ffn.forward(normed) : await this.ffn.forward(normed, { groupSize: tokens, ...context });
    return h.add(drop(out.reshape([batch, tokens, dim])));
  }
}
