/** sum: over the given axes (all by default), optionally keeping them as size 1. Gradient: g broadcast back. */
import type { KernelThis } from '../backend.js';
import { record, Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast_to.js';
import { reduceAxes, reducedShape, resolveAxes, type Axes } from './reduce.js';

function sumKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const o = Math.floor((i + 0.5) / inner);
  const j = i - o * inner;
  const base = o * this.constants.n * inner + j;
  let s = 0;
  for (let k = 0; k < this.constants.n; k++) {
    s += x[base + k * inner];
  }
  return s;
}

/** Sums `x` over `axes`. */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const list = resolveAxes('sum', axes, x.rank);
  const kept = reduceAxes('sum', sumKernel, x, list);
  const shape = reducedShape(x.shape, list, keepDims);
  const out = new Tensor(kept.values, shape);
  return record(out, 'sum', [x], (g) => [broadcastTo(new Tensor(g.values, kept.shape), x.shape)]);
}
