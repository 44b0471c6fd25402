/**
 * topk along the last axis: the k largest values and their indices, largest first; ties go to
 * the lower index. For small k (k(k+1)/2 < n), one kernel: output slot j of a row walks the row
 * j + 1 times, each pass taking the best element after the previous pass's pick in the order
 * (value descending, index ascending) — O(n·k²) per row. Otherwise two kernels: each element's
 * rank in its row (number of larger elements, plus equal ones before it), O(n²) per row, then,
 * for each output slot, the element of that rank. Both give the same indices.
 * Values are differentiable (through gather); indices are int32.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gather } from './gather.js';

function rankKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const n = this.constants.n;
  const r = Math.floor((i + 0.5) / n);
  const e = i - r * n;
  const v = x[i];
  let rank = 0;
  for (let q = 0; q < this.constants.n; q++) {
    const w = x[r * n + q];
    if (w > v || (w === v && q < e)) {
      rank += 1;
    }
  }
  return rank;
}

function selectKernel(this: KernelThis, rank: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.k);
  const j = i - r * this.constants.k;
  let found = 0;
  for (let q = 0; q < this.constants.n; q++) {
    if (rank[r * this.constants.n + q] === j) {
      found = q;
    }
  }
  return found;
}

function selectSmallKKernel(this: KernelThis, x: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.k);
  const j = i - r * this.constants.k;
  let prevV = 0;
  let prevI = -1;
  for (let s = 0; s < this.constants.k; s++) {
    if (s > j) {
      break;
    }
    let bestV = 0;
    let bestI = -1;
    for (let q = 0; q < this.constants.n; q++) {
      const w = x[r * this.constants.n + q];
      if ((prevI < 0 || w < prevV || (w === prevV && q > prevI)) && (bestI < 0 || w > bestV)) {
        bestV = w;
        bestI = q;
      }
    }
    prevV = bestV;
    prevI = bestI;
  }
  return prevI;
}

/** Rank of every element within its last-axis row (0 = largest). No autograd. */
export function rankLastAxis(x: Tensor): Tensor {
  const n = x.shape[x.rank - 1];
  return new Tensor(launch({ op: 'rank', source: rankKernel, output: x.size, constants: { n }, inputs: [x] }), x.shape, 'int32');
}

/** The `k` largest entries of `x` along its last axis, as values and int32 indices. */
export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  if (x.rank === 0) throw new Error('topk: needs rank ≥ 1');
  const n = x.shape[x.rank - 1];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`topk: k = ${k} must be an integer in [1, ${n}] for ${formatShape(x.shape)}`);
  const shape = [...x.shape.slice(0, -1), k];
  if ((k * (k + 1)) / 2 < n) {
    const indices = new Tensor(launch({ op: 'topk-small', source: selectSmallKKernel, output: (x.size / n) * k, constants: { n, k }, inputs: [x] }), shape, 'int32');
    return { values: gather(x, indices), indices };
  }
  const rank = rankLastAxis(x);
  const indices = new Tensor(launch({ op: 'topk', source: selectKernel, output: (x.size / n) * k, constants: { n, k }, inputs: [rank] }), shape, 'int32');
  return { values: gather(x, indices), indices };
}
