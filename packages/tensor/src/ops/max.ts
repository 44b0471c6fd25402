/**
 * max / min: over the given axes. Gradient: all of g to the first position holding the
 * extreme value (ties broken by position, as a subgradient).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { record, Tensor } from '../tensor.js';
import { permute } from './permute.js';
import { reduceAxes, reducedShape, resolveAxes, type Axes } from './reduce.js';

function maxKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const o = Math.floor((i + 0.5) / inner);
  const j = i - o * inner;
  const base = o * this.constants.n * inner + j;
  let m = x[base];
  for (let k = 1; k < this.constants.n; k++) {
    m = Math.max(m, x[base + k * inner]);
  }
  return m;
}

function minKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const o = Math.floor((i + 0.5) / inner);
  const j = i - o * inner;
  const base = o * this.constants.n * inner + j;
  let m = x[base];
  for (let k = 1; k < this.constants.n; k++) {
    m = Math.min(m, x[base + k * inner]);
  }
  return m;
}

// g at the first flat position (in row-major order within each reduced group) equal to the extreme.
// x and m are [outer, n, inner] and [outer, 1, inner] views; `first` marks the first hit.
function firstHitKernel(this: KernelThis, x: Float32Array, m: Float32Array, g: Float32Array): number {
  const i = this.thread.x;
  const inner = this.constants.inner;
  const n = this.constants.n;
  const o = Math.floor((i + 0.5) / (n * inner));
  const r = i - o * n * inner;
  const k = Math.floor((r + 0.5) / inner);
  const j = r - k * inner;
  const target = m[o * inner + j];
  if (x[i] !== target) {
    return 0;
  }
  for (let q = 0; q < this.constants.n; q++) {
    if (q >= k) {
      break;
    }
    if (x[(o * n + q) * inner + j] === target) {
      return 0;
    }
  }
  return g[o * inner + j];
}

function extreme(op: 'max' | 'min', x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  const list = resolveAxes(op, axes, x.rank);
  const kept = reduceAxes(op, op === 'max' ? maxKernel : minKernel, x, list);
  const out = new Tensor(kept.values, reducedShape(x.shape, list, keepDims), x.dtype);
  return record(out, op, [x], (g) => {
    // Several axes: move the reduced axes last (a no-op when they already are, e.g. all axes),
    // view them as one axis of their total size, and apply the first-hit rule over it.
    if (list.length !== 1) {
      const order = [...x.shape.keys()].filter((i) => !list.includes(i)).concat(list);
      const moved = permute(x, order);
      const n = list.reduce((size, a) => size * x.shape[a], 1);
      const hits = new Tensor(launch({ op: `${op}-grad`, source: firstHitKernel, output: x.size, constants: { n, inner: 1 }, inputs: [moved, kept, g] }), moved.shape);
      const inverse = new Array<number>(order.length);
      order.forEach((p, j) => (inverse[p] = j));
      return [permute(hits, inverse)];
    }
    const axis = list[0];
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const storage = launch({ op: `${op}-grad`, source: firstHitKernel, output: x.size, constants: { n: x.shape[axis], inner }, inputs: [x, kept, g] });
    return [new Tensor(storage, x.shape)];
  });
}

/** Maximum of `x` over `axes` (all by default). */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('max', x, axes, keepDims);
}

/** Minimum of `x` over `axes` (all by default). */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('min', x, axes, keepDims);
}
