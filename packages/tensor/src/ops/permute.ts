/**
 * permute / transpose: reorders dimensions (rank ≤ 4 in one kernel; higher ranks must be
 * reshaped first). Gradient: the inverse permutation.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape, normalizeAxis, stridesOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';

function permuteKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const c0 = Math.floor((i + 0.5) / this.constants.p1);
  const r0 = i - c0 * this.constants.p1;
  const c1 = Math.floor((r0 + 0.5) / this.constants.p2);
  const r1 = r0 - c1 * this.constants.p2;
  const c2 = Math.floor((r1 + 0.5) / this.constants.d3);
  const c3 = r1 - c2 * this.constants.d3;
  return x[c0 * this.constants.s0 + c1 * this.constants.s1 + c2 * this.constants.s2 + c3 * this.constants.s3];
}

/** Reorders the dimensions of `x`: output dimension j is input dimension `order[j]`. */
export function permute(x: Tensor, order: readonly number[]): Tensor {
  const rank = x.rank;
  const perm = order.map((a) => normalizeAxis('permute', a, rank));
  if (perm.length !== rank || new Set(perm).size !== rank) {
    throw new Error(`permute: order [${order.join(', ')}] is not a permutation of the ${rank} dimensions of ${formatShape(x.shape)}`);
  }
  if (perm.every((p, j) => p === j)) return x;
  if (rank > 4) throw new Error(`permute: rank ${rank} > 4 is not supported; merge dimensions with reshape first`);
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const pad = 4 - rank;
  const dims = [1, 1, 1, 1];
  const strides = [0, 0, 0, 0];
  perm.forEach((p, j) => {
    dims[pad + j] = outShape[j];
    strides[pad + j] = inStrides[p];
  });
  const constants = { p1: dims[1] * dims[2] * dims[3], p2: dims[2] * dims[3], d3: dims[3], s0: strides[0], s1: strides[1], s2: strides[2], s3: strides[3] };
  const out = new Tensor(launch({ op: 'permute', source: permuteKernel, output: x.size, constants, inputs: [x] }), outShape, x.dtype);
  const inverse = new Array<number>(rank);
  perm.forEach((p, j) => (inverse[p] = j));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dimensions (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const order = Array.from({ length: x.rank }, (_, i) => i);
  [order[a], order[b]] = [order[b], order[a]];
  return permute(x, order);
}
