/**
 * causalMask: for attention scores [..., T, S], replaces entries whose key position is after
 * the query position (s > t + S − T) with −1e30, so softmax gives them weight 0. Gradient: g
 * with those entries zeroed.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { record, Tensor } from '../tensor.js';

function maskKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const ts = this.constants.t * this.constants.s;
  const r = i - Math.floor((i + 0.5) / ts) * ts;
  const q = Math.floor((r + 0.5) / this.constants.s);
  const k = r - q * this.constants.s;
  if (k > q + this.constants.s - this.constants.t) {
    return this.constants.fill;
  }
  return x[i];
}

/** Masks the future positions of attention scores [..., T, S]. */
export function causalMask(scores: Tensor): Tensor {
  if (scores.rank < 2) throw new Error(`causalMask: scores need rank ≥ 2, got ${scores}`);
  const [t, s] = scores.shape.slice(-2);
  const out = new Tensor(launch({ op: 'causalMask', source: maskKernel, output: scores.size, constants: { t, s, fill: -1e30 }, inputs: [scores] }), scores.shape);
  return record(out, 'causalMask', [scores], (g) => [new Tensor(launch({ op: 'causalMask-grad', source: maskKernel, output: g.size, constants: { t, s, fill: 0 }, inputs: [g] }), g.shape)]);
}
