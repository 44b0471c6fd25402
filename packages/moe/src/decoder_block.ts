/**
 * DecoderBlock: the pre-norm block of Transformers' Mixtral, Qwen2-MoE and OLMoE (LLaMA's
 * block with a sparse MLP; Touvron et al. 2023, Jiang et al. 2024, Qwen Team 2024,
 * Muennighoff et al. 2024):
 *   h = x + GQA(RMSNorm₁(x))                              (rotary, causal; grouped_query_attention.ts)
 *   n = RMSNorm₂(h)
 *   y = h + FFN(n) [+ σ(n · w_s) · S(n)]                   FFN: a SwiGLU MoELayer or a dense SwiGLU FeedForward
 * The bracket is Qwen2-MoE's shared expert S (a SwiGLU FFN) behind its sigmoid gate w_s [dim, 1],
 * added to the routed experts' output. RMSNorm(x) = x / √(mean(x²) + ε) · g.
 * x: [batch, tokens, dim]; the MoE layer routes the batch·tokens rows, groupSize = tokens.
 * Defaults: no shared expert; norm gains one, the shared gate Normal(0, 0.02).
 */
import { Module, Rng, init, rmsNorm, type Tensor } from '@smoe/tensor';
import { FeedForward } from './feed_forward.js';
import { GroupedQueryAttention, type GroupedQueryAttentionOptions } from './grouped_query_attention.js';
import { MoELayer, type MoEContext } from './moe_layer.js';

/** Options of `DecoderBlock`. */
export interface DecoderBlockOptions {
  /** The attention's options (its `dim` is the model width). */
  attention: GroupedQueryAttentionOptions;
  /** The block's MLP: a MoE layer of SwiGLU experts, or a dense SwiGLU FFN. */
  ffn: MoELayer | FeedForward;
  /** Qwen2-MoE's gated shared expert's hidden width; 0 or absent: none. */
  sharedExpertDim?: number;
  /** ε of the block's RMSNorms. */
  normEps: number;
  /** Generator for the initial weights. */
  rng?: Rng;
}

export class DecoderBlock extends Module {
  readonly normEps: number;
  inputNorm: Tensor;
  attention: GroupedQueryAttention;
  postAttentionNorm: Tensor;
  ffn: MoELayer | FeedForward;
  /** Qwen2-MoE: the shared expert and its gate [dim, 1]. */
  sharedExpert: FeedForward | null;
  sharedExpertGate: Tensor | null;

  constructor(options: DecoderBlockOptions) {
    super();
    const dim = options.attention.dim;
    const rng = options.rng ?? new Rng(0);
    this.normEps = options.normEps;
    this.inputNorm = init.ones([dim]);
    this.attention = new GroupedQueryAttention({ ...options.attention, normEps: options.normEps, rng });
    this.postAttentionNorm = init.ones([dim]);
    this.ffn = options.ffn;
    const shared = options.sharedExpertDim ?? 0;
    this.sharedExpert = shared > 0 ? new FeedForward({ dim, ffDim: shared, activation: 'swiglu', rng }) : null;
    this.sharedExpertGate = shared > 0 ? init.normal([dim, 1], 0.02, { rng }) : null;
  }

  /** The block's MoE layer, or null for a dense block. */
  get moe(): MoELayer | null {
    return this.ffn instanceof MoELayer ? this.ffn : null;
  }

  /** x: [batch, tokens, dim] → [batch, tokens, dim]. */
  async forward(x: Tensor, context: MoEContext = {}): Promise<Tensor> {
    const [batch, tokens, dim] = x.shape;
    const h = x.add(this.attention.forward(rmsNorm(x, this.inputNorm, this.normEps)));
    const n = rmsNorm(h, this.postAttentionNorm, this.normEps).reshape([batch * tokens, dim]);
    let out = this.ffn instanceof MoELayer ? await this.ffn.forward(n, { groupSize: tokens, ...context }) : this.ffn.forward(n);
    if (this.sharedExpert && this.sharedExpertGate) out = out.add(n.matmul(this.sharedExpertGate).sigmoid().mul(this.sharedExpert.forward(n)));
    return h.add(out.reshape([batch, tokens, dim]));
  }
}
