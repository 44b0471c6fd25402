/**
 * FeedForward: the dense position-wise FFN of a transformer block, also used as the shared
 * (always-on) experts of DeepSeekMoE ("DeepSeekMoE: Towards Ultimate Expert Specialization",
 * Dai et al. 2024).
 *   gelu:   y = GELU(x W1 + b1) W2 + b2                      (Vaswani et al. 2017; Hendrycks & Gimpel 2016)
 *   swiglu: y = (SiLU(x W1) ⊙ (x W3)) W2                     (Shazeer 2020, "GLU Variants Improve Transformer"; no biases, as LLaMA)
 * Shapes: W1, W3 [dim, ffDim], W2 [ffDim, dim]. The weights have the layout of one slice of
 * `Experts`, so a dense model's FFN and a 1-expert MoE hold the same numbers.
 * Defaults: activation 'gelu'; Xavier-normal weights, zero biases.
 */
import { Module, Rng, init, type Tensor } from '@smoe/tensor';
import { checkInteger, checkOneOf } from './validate.js';

/** The expert / FFN activation. */
export type Activation = 'gelu' | 'swiglu';
export const activations: readonly Activation[] = ['gelu', 'swiglu'];

/** Options of `FeedForward`. */
export interface FeedForwardOptions {
  /** Model width. */
  dim: number;
  /** Hidden width d_ff (a model's `ffDim`; for shared experts, their number times `sharedExpertDim`). */
  ffDim: number;
  /** 'gelu' (default) or 'swiglu'. */
  activation?: Activation;
  /** Generator for the initial weights (a fresh `Rng(0)` when absent). */
  rng?: Rng;
}

export class FeedForward extends Module {
  readonly dim: number;
  readonly ffDim: number;
  readonly activation: Activation;
  /** [dim, ffDim]. */
  w1: Tensor;
  /** [ffDim] (gelu only). */
  b1: Tensor | null;
  /** [dim, ffDim], the SwiGLU gate's linear branch (swiglu only). */
  w3: Tensor | null;
  /** [ffDim, dim]. */
  w2: Tensor;
  /** [dim] (gelu only). */
  b2: Tensor | null;

  constructor(options: FeedForwardOptions) {
    super();
    const where = 'FeedForward';
    this.dim = checkInteger(where, 'dim', options.dim, 1);
    this.ffDim = checkInteger(where, 'ffDim', options.ffDim, 1);
    this.activation = checkOneOf(where, 'activation', options.activation ?? 'gelu', activations);
    const rng = options.rng ?? new Rng(0);
    const glu = this.activation === 'swiglu';
    this.w1 = init.xavier([this.dim, this.ffDim], { rng });
    this.w3 = glu ? init.xavier([this.dim, this.ffDim], { rng }) : null;
    this.w2 = init.xavier([this.ffDim, this.dim], { rng });
    this.b1 = glu ? null : init.zeros([this.ffDim]);
    this.b2 = glu ? null : init.zeros([this.dim]);
  }

  /** x: [..., dim] → [..., dim]. */
  forward(x: Tensor): Tensor {
    if (this.activation === 'swiglu') {
      return x.matmul(this.w1).silu().mul(x.matmul(this.w3 as Tensor)).matmul(this.w2);
    }
    return x.matmul(this.w1).add(this.b1 as Tensor).gelu().matmul(this.w2).add(this.b2 as Tensor);
  }
}
