/**
 * indexAdd (scatter-add): out = base, then out[..., idx[j], ...] += src[..., j, ...] along `axis`.
 *   base: [outer, n, inner], idx: int [m] in [0, n), src: [outer, m, inner].
 * Duplicated indices accumulate. The host groups positions by index (bookkeeping); the kernel
 * sums each output row's segment in a fixed order, so results are deterministic.
 * Gradient: d base = g, d src = indexSelect(g, axis, idx).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { checkIndices, groupByIndex } from './indices.js';
import { indexSelect } from './index_select.js';

function scatterKernel(this: KernelThis, base: Float32Array, src: Float32Array, order: Float32Array, offsets: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const n = this.constants.n;
  const o = Math.floor((i + 0.5) / (n * inner));
  const rem = i - o * n * inner;
  const r = Math.floor((rem + 0.5) / inner);
  const j = rem - r * inner;
  let s = 0;
  if (this.constants.hasBase > 0) {
    s = base[i];
  }
  const start = offsets[r];
  const end = offsets[r + 1];
  for (let t = 0; t < this.constants.m; t++) {
    const p = start + t;
    if (p >= end) {
      break;
    }
    s += src[(o * this.constants.m + order[p]) * inner + j];
  }
  return s;
}

/** @internal Scatter-adds `src` rows into a tensor of `shape` (zeros when `base` is undefined). */
export function scatterRows(shape: readonly number[], axis: number, indices: Tensor, src: Tensor, base?: Tensor): Tensor {
  const n = shape[axis];
  const m = indices.size;
  const inner = sizeOf(shape.slice(axis + 1));
  const prepare = (arrays: Float32Array[]): Float32Array[] => {
    const idx = arrays[2];
    checkIndices('indexAdd', idx, n, `axis ${axis} of ${formatShape(shape)}`);
    const { order, offsets } = groupByIndex(idx, n);
    return [arrays[0], arrays[1], order, offsets];
  };
  const inputs = [base ?? new Float32Array(1), src, indices];
  const storage = launch({ op: 'indexAdd', source: scatterKernel, output: sizeOf(shape), constants: { n, m: Math.max(m, 1), inner, hasBase: base ? 1 : 0 }, inputs, prepare });
  return new Tensor(storage, shape);
}

/** `base` with `src` added at `indices` along `axis`. */
export function indexAdd(base: Tensor, axis: number, indices: Tensor, src: Tensor): Tensor {
  const ax = normalizeAxis('indexAdd', axis, base.rank);
  if (indices.dtype !== 'int32' || indices.rank !== 1) throw new Error(`indexAdd: indices must be a 1-D int32 tensor, got ${indices}`);
  const expected = base.shape.map((d, i) => (i === ax ? indices.size : d));
  if (formatShape(src.shape) !== formatShape(expected)) {
    throw new Error(`indexAdd: src ${formatShape(src.shape)} does not match base ${formatShape(base.shape)} with ${indices.size} indices along axis ${axis}; expected ${formatShape(expected)}`);
  }
  const out = scatterRows(base.shape, ax, indices, src, base);
  return record(out, 'indexAdd', [base, src], (g) => [g, src.requiresGrad ? indexSelect(g, ax, indices) : null]);
}
