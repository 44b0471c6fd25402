/**
 * indexSelect: rows of `x` at `indices` along `axis` (out[..., j, ...] = x[..., idx[j], ...]).
 *   x: [outer, n, inner], idx: int [m] → out: [outer, m, inner].
 * Gradient: scatter-add of g back to x's shape (indexAdd).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { scatterRows } from './index_add.js';
import { checkIndices } from './indices.js';

function selectKernel(this: KernelThis, x: Float32Array, idx: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const m = this.constants.m;
  const o = Math.floor((i + 0.5) / (m * inner));
  const rem = i - o * m * inner;
  const j = Math.floor((rem + 0.5) / inner);
  const c = rem - j * inner;
  return x[(o * this.constants.n + idx[j]) * inner + c];
}

/** Rows of `x` at int32 `indices` (1-D) along `axis`. */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  return selectRows('indexSelect', x, axis, indices);
}

/** @internal `indexSelect` whose errors name `op` (ops built on it, such as embedding). */
export function selectRows(op: string, x: Tensor, axis: number, indices: Tensor): Tensor {
  const ax = normalizeAxis(op, axis, x.rank);
  if (indices.dtype !== 'int32' || indices.rank !== 1) throw new Error(`${op}: indices must be a 1-D int32 tensor, got ${indices}`);
  const n = x.shape[ax];
  const m = indices.size;
  const inner = sizeOf(x.shape.slice(ax + 1));
  const shape = x.shape.map((d, i) => (i === ax ? m : d));
  const validate = (values: Float32Array): void => checkIndices(op, values, n, `axis ${axis} of ${x}`);
  const storage = launch({ op: 'indexSelect', source: selectKernel, output: sizeOf(shape), constants: { n, m, inner }, inputs: [x, indices], check: { input: 1, validate } });
  const out = new Tensor(storage, shape, x.dtype);
  return record(out, 'indexSelect', [x], (g) => [scatterRows(x.shape, ax, indices, g)]);
}
