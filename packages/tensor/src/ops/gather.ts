/**
 * gather along the last axis: out[r, j] = x[r, idx[r, j]] for x [..., n] and int idx [..., k]
 * with the same leading dimensions. Gradient: g scattered back (each x[r, c] sums the g[r, j]
 * whose index is c).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { checkIndices } from './indices.js';

function gatherKernel(this: KernelThis, x: Float32Array, idx: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.k);
  return x[r * this.constants.n + idx[i]];
}

function scatterKernel(this: KernelThis, idx: Float32Array, g: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.n);
  const c = i - r * this.constants.n;
  let s = 0;
  for (let j = 0; j < this.constants.k; j++) {
    if (idx[r * this.constants.k + j] === c) {
      s += g[r * this.constants.k + j];
    }
  }
  return s;
}

/** Entries of `x` picked along its last axis by int32 `indices`. */
export function gather(x: Tensor, indices: Tensor): Tensor {
  if (indices.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${indices.dtype}`);
  if (indices.rank !== x.rank || indices.shape.slice(0, -1).some((d, i) => d !== x.shape[i])) {
    throw new Error(`gather: indices ${formatShape(indices.shape)} must match ${formatShape(x.shape)} in all but the last dimension`);
  }
  const n = x.shape[x.rank - 1];
  const k = indices.shape[indices.rank - 1];
  const validate = (values: Float32Array): void => checkIndices('gather', values, n, `the last axis of ${x}`);
  const out = new Tensor(launch({ op: 'gather', source: gatherKernel, output: indices.size, constants: { n, k }, inputs: [x, indices], check: { input: 1, validate } }), indices.shape, x.dtype);
  return record(out, 'gather', [x], (g) => [new Tensor(launch({ op: 'gather-grad', source: scatterKernel, output: x.size, constants: { n, k }, inputs: [indices, g] }), x.shape)]);
}
