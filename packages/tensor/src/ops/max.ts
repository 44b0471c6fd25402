/**
 * max / min: over the given axes. Gradient: all of g to the first position holding the
 * extreme value (ties broken by position, as a subgradient).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { record, Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast_to.js';
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
    // Route g axis by axis is awkward; with one axis (the common case) use the first-hit rule,
    // with several, flatten them by broadcasting and apply the rule over the whole group.
    if (list.length !== 1) {
      const mask = broadcastTo(new Tensor(kept.values, kept.shape), x.shape);
      const gb = broadcastTo(new Tensor(g.values, kept.shape), x.shape);
      return [new Tensor(launch({ op: `${op}-grad-all`, source: equalMaskKernel, output: x.size, inputs: [x, mask, gb] }), x.shape)];
    }
    const axis = list[0];
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const storage = launch({ op: `${op}-grad`, source: firstHitKernel, output: x.size, constants: { n: x.shape[axis], inner }, inputs: [x, kept, g] });
    return [new Tensor(storage, x.shape)];
  });
}

function equalMaskKernel(this: KernelThis, x: Float32Array, m: Float32Array, g: Float32Array): number {
  const i = this.thread.x;
  return x[i] === m[i] ? g[i] : 0;
}

/** Maximum of `x` over `axes` (all by default). */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('max', x, axes, keepDims);
}

/** Minimum of `x` over `axes` (all by default). */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return extreme('min', x, axes, keepDims);
}
