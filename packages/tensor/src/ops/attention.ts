/**
 * attention: scaled dot-product attention (Vaswani et al. 2017) over heads,
 *   P = softmax(q·kᵀ/√d [+ causal mask]),  y = P · v,   q: [B, H, T, d], k, v: [B, H, S, d].
 * The causal mask drops keys after the query (s > t + S − T, as causalMask); a query with no
 * key left (T > S) attends uniformly, as softmax does over a row of equal masked scores.
 * The scaling, mask and softmax are one fused op of two kernels forward (row max and log-sum;
 * probabilities) and two backward, with the softmax gradient dZ = P ⊙ (dP − Σ_s dP ⊙ P) scaled
 * by 1/√d and zero on masked keys; the two products are matmuls. `splitHeads` and `mergeHeads`
 * move between [B, T, H·d] and [B, H, T, d].
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

// Row r of scores [rows, S] holds query t = r mod T; its last visible key is t + S − T when
// causal (all S otherwise), and a row with none visible is uniform. Per row (one thread, two
// values: gpu.js's Array(2), written at 2r and 2r + 1): m = max of the visible scaled scores and
// log Σ exp(z − m) over them. Grid [rows].
function softmaxStatsKernel(this: KernelThis, x: Float32Array): number[] {
  const row = this.thread.x;
  const t = row - Math.floor((row + 0.5) / this.constants.t) * this.constants.t;
  const last = this.constants.causal === 1 ? t + this.constants.s - this.constants.t : this.constants.s - 1;
  const base = row * this.constants.s;
  let m = -1e30;
  for (let k = 0; k < this.constants.s; k++) {
    if (k <= last) {
      m = Math.max(m, x[base + k] * this.constants.scale);
    }
  }
  let sum = 0;
  for (let k = 0; k < this.constants.s; k++) {
    if (k <= last) {
      sum += Math.exp(x[base + k] * this.constants.scale - m);
    }
  }
  return [m, Math.log(sum)];
}

function softmaxKernel(this: KernelThis, x: Float32Array, stats: Float32Array): number {
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / this.constants.s);
  const k = i - row * this.constants.s;
  const t = row - Math.floor((row + 0.5) / this.constants.t) * this.constants.t;
  const last = this.constants.causal === 1 ? t + this.constants.s - this.constants.t : this.constants.s - 1;
  if (last < 0) {
    return 1 / this.constants.s;
  }
  if (k > last) {
    return 0;
  }
  return Math.exp(x[i] * this.constants.scale - stats[row * 2] - stats[row * 2 + 1]);
}

function rowDotKernel(this: KernelThis, g: Float32Array, p: Float32Array): number {
  const base = this.thread.x * this.constants.s;
  let sum = 0;
  for (let k = 0; k < this.constants.s; k++) {
    sum += g[base + k] * p[base + k];
  }
  return sum;
}

function softmaxGradientKernel(this: KernelThis, g: Float32Array, p: Float32Array, dot: Float32Array): number {
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / this.constants.s);
  const t = row - Math.floor((row + 0.5) / this.constants.t) * this.constants.t;
  if (this.constants.causal === 1 && t + this.constants.s - this.constants.t < 0) {
    return 0;
  }
  return p[i] * (g[i] - dot[row]) * this.constants.scale;
}

/** softmax(scale · scores [+ causal mask]) over the last axis of scores [..., T, S]. */
function scaledMaskedSoftmax(scores: Tensor, scale: number, causal: boolean): Tensor {
  const [t, s] = scores.shape.slice(-2);
  const rows = scores.size / s;
  const constants = { t, s, scale, causal: causal ? 1 : 0 };
  const stats = new Tensor(launch({ op: 'attention-softmaxStats', source: softmaxStatsKernel, output: 2 * rows, grid: [rows], constants, inputs: [scores] }), [rows, 2]);
  const p = new Tensor(launch({ op: 'attention-softmax', source: softmaxKernel, output: scores.size, constants, inputs: [scores, stats] }), scores.shape);
  return record(p, 'attention-softmax', [scores], (g) => {
    const dot = new Tensor(launch({ op: 'attention-rowDot', source: rowDotKernel, output: rows, constants: { s }, inputs: [g, p] }), [rows]);
    return [new Tensor(launch({ op: 'attention-softmaxGrad', source: softmaxGradientKernel, output: scores.size, constants, inputs: [g, p, dot] }), scores.shape)];
  });
}

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
  const scores = matmul(q, k, { transposeB: true });
  return matmul(scaledMaskedSoftmax(scores, 1 / Math.sqrt(q.shape[3]), options.causal ?? true), v);
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
