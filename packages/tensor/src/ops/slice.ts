/**
 * slice: a contiguous block along one axis, `x[..., start:start+length, ...]`.
 * Gradient: the block padded with zeros back to the input's shape.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';

function sliceKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const block = this.constants.length * this.constants.inner;
  const o = Math.floor((i + 0.5) / block);
  const r = i - o * block;
  return x[o * this.constants.n * this.constants.inner + this.constants.start * this.constants.inner + r];
}

function padKernel(this: KernelThis, g: Float32Array): number {
  const i = this.thread.x;
  const block = this.constants.n * this.constants.inner;
  const o = Math.floor((i + 0.5) / block);
  const r = i - o * block;
  const k = Math.floor((r + 0.5) / this.constants.inner);
  if (k < this.constants.start || k >= this.constants.start + this.constants.length) {
    return 0;
  }
  return g[o * this.constants.length * this.constants.inner + r - this.constants.start * this.constants.inner];
}

/** `length` entries of `x` along `axis` from `start`. */
export function slice(x: Tensor, axis: number, start: number, length: number): Tensor {
  const ax = normalizeAxis('slice', axis, x.rank);
  const n = x.shape[ax];
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > n) {
    throw new Error(`slice: [${start}, ${start + length}) is outside axis ${axis} of size ${n} of ${x}`);
  }
  const inner = sizeOf(x.shape.slice(ax + 1));
  const outShape = x.shape.map((d, i) => (i === ax ? length : d));
  const constants = { n, inner, start, length };
  const out = new Tensor(launch({ op: 'slice', source: sliceKernel, output: sizeOf(outShape), constants, inputs: [x] }), outShape, x.dtype);
  return record(out, 'slice', [x], (g) => [new Tensor(launch({ op: 'slice-grad', source: padKernel, output: x.size, constants, inputs: [g] }), x.shape)]);
}
