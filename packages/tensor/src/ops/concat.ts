/** concat: joins tensors along an axis (other dimensions equal). Gradient: slices of g. */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { slice } from './slice.js';

function concatKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const n = this.constants.na + this.constants.nb;
  const o = Math.floor((i + 0.5) / (n * inner));
  const r = i - o * n * inner;
  const k = Math.floor((r + 0.5) / inner);
  const j = r - k * inner;
  if (k < this.constants.na) {
    return a[(o * this.constants.na + k) * inner + j];
  }
  return b[(o * this.constants.nb + k - this.constants.na) * inner + j];
}

function concatTwo(a: Tensor, b: Tensor, axis: number): Tensor {
  const inner = sizeOf(a.shape.slice(axis + 1));
  const shape = a.shape.map((d, i) => (i === axis ? d + b.shape[axis] : d));
  const storage = launch({ op: 'concat', source: concatKernel, output: sizeOf(shape), constants: { inner, na: a.shape[axis], nb: b.shape[axis] }, inputs: [a, b] });
  return new Tensor(storage, shape, a.dtype);
}

/** Joins `tensors` along `axis`. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0];
  const ax = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i]) || t.dtype !== first.dtype) {
      throw new Error(`concat: ${formatShape(t.shape)} (${t.dtype}) does not match ${formatShape(first.shape)} (${first.dtype}) outside axis ${axis}`);
    }
  }
  let out = first;
  for (const t of tensors.slice(1)) out = concatTwo(out, t, ax);
  if (tensors.length === 1) out = new Tensor(first.values, first.shape, first.dtype);
  return record(out, 'concat', tensors, (g) => {
    let offset = 0;
    return tensors.map((t) => {
      const piece = slice(g, ax, offset, t.shape[ax]);
      offset += t.shape[ax];
      return piece;
    });
  });
}
