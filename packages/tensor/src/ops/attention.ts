/**
 * attention: scaled dot-product attention (Vaswani et al. 2017) over heads,
 *   softmax(q·kᵀ/√d [+ causal mask]) · v,  q: [B, H, T, d], k, v: [B, H, S, d].
 * Composed from matmul, causalMask and softmax, so its gradient is theirs. `splitHeads` and
 * `mergeHeads` move between [B, T, H·d] and [B, H, T, d].
 */
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { causalMask } from './causal_mask.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';
import { softmax } from './softmax.js';

/** Options of `attention`. */
export interface AttentionOptions {
  /** Mask future keys (a decoder). Default true. */
  causal?: boolean;
}

/** Scaled dot-product attention of q [B, H, T, d] over k, v [B, H, S, d]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new Error(`attention: q, k, v must be [batch, heads, tokens, headDim], got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}`);
  }
  const d = q.shape[3];
  let scores = mul(matmul(q, k, { transposeB: true }), 1 / Math.sqrt(d));
  if (options.causal ?? true) scores = causalMask(scores);
  return matmul(softmax(scores), v);
}

/** [B, T, H·d] → [B, H, T, d]. */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [b, t, width] = x.shape;
  if (x.rank !== 3 || width % heads !== 0) throw new Error(`splitHeads: ${formatShape(x.shape)} cannot be split into ${heads} heads`);
  return permute(reshape(x, [b, t, heads, width / heads]), [0, 2, 1, 3]);
}

/** [B, H, T, d] → [B, T, H·d]. */
export function mergeHeads(x: Tensor): Tensor {
  const [b, h, t, d] = x.shape;
  return reshape(permute(x, [0, 2, 1, 3]), [b, t, h * d]);
}
