/**
 * groupedMatmul: one matrix product per row group, the core of MoE expert computation
 * (as MegaBlocks' grouped GEMM or torch._grouped_mm):
 *   x: [P, K] rows, w: [E, K, N] one weight per group, group: int [P] in [0, E)
 *   out[p] = x[p] · w[group[p]]                                   → [P, N]
 * The work is P·K·N whatever E is: compute follows the rows each expert receives, not the
 * number of experts. Rows need not be sorted by group.
 * Gradient: dx[p] = g[p] · w[group[p]]ᵀ; dw[e] = Σ_{p in group e} x[p]ᵀ · g[p] (the host groups
 * rows by expert, then each dw entry sums its own group's rows).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { checkIndices, groupByIndex } from './indices.js';

// out[p, j] = Σ_k x[p, k] · w[group[p], k, j]; with wK/wN strides the same kernel computes g·wᵀ.
function forwardKernel(this: KernelThis, x: Float32Array, w: Float32Array, group: Float32Array): number {
  const i = this.thread.x;
  const p = Math.floor((i + 0.5) / this.constants.n);
  const j = i - p * this.constants.n;
  const xBase = p * this.constants.k;
  const wBase = group[p] * this.constants.wGroup + j * this.constants.wN;
  let s = 0;
  for (let k = 0; k < this.constants.k; k++) {
    s += x[xBase + k] * w[wBase + k * this.constants.wK];
  }
  return s;
}

function weightGradKernel(this: KernelThis, x: Float32Array, g: Float32Array, order: Float32Array, offsets: Float32Array): number {
  const i = this.thread.x;
  const kn = this.constants.k * this.constants.n;
  const e = Math.floor((i + 0.5) / kn);
  const r = i - e * kn;
  const k = Math.floor((r + 0.5) / this.constants.n);
  const j = r - k * this.constants.n;
  const start = offsets[e];
  const end = offsets[e + 1];
  let s = 0;
  for (let t = 0; t < this.constants.rows; t++) {
    const q = start + t;
    if (q >= end) {
      break;
    }
    const p = order[q];
    s += x[p * this.constants.k + k] * g[p * this.constants.n + j];
  }
  return s;
}

/** Row-wise product of `x` [P, K] with the weight `w[group[p]]` of `w` [E, K, N]. */
export function groupedMatmul(x: Tensor, w: Tensor, group: Tensor): Tensor {
  if (x.rank !== 2 || w.rank !== 3) throw new Error(`groupedMatmul: expected x [rows, K] and w [groups, K, N], got ${formatShape(x.shape)} and ${formatShape(w.shape)}`);
  const [rows, k] = x.shape;
  const [groups, wk, n] = w.shape;
  if (k !== wk) throw new Error(`groupedMatmul: inner dimensions differ: x ${formatShape(x.shape)} and w ${formatShape(w.shape)} (${k} vs ${wk})`);
  if (group.dtype !== 'int32' || group.rank !== 1 || group.size !== rows) {
    throw new Error(`groupedMatmul: group must be int32 [${rows}], got ${group}`);
  }
  const check = (arrays: Float32Array[]): Float32Array[] => {
    checkIndices('groupedMatmul', arrays[2], groups, 'the groups of w');
    return arrays;
  };
  const out = new Tensor(
    launch({ op: 'groupedMatmul', source: forwardKernel, output: rows * n, constants: { n, k, wGroup: k * n, wK: n, wN: 1 }, inputs: [x, w, group], prepare: check }),
    [rows, n],
  );
  return record(out, 'groupedMatmul', [x, w], (g) => {
    const gx = x.requiresGrad
      ? new Tensor(launch({ op: 'groupedMatmul-dx', source: forwardKernel, output: rows * k, constants: { n: k, k: n, wGroup: k * n, wK: 1, wN: n }, inputs: [g, w, group] }), x.shape)
      : null;
    const gw = w.requiresGrad
      ? new Tensor(
          launch({
            op: 'groupedMatmul-dw',
            source: weightGradKernel,
            output: groups * k * n,
            constants: { k, n, rows: Math.max(rows, 1) },
            inputs: [x, g, group],
            prepare: (arrays) => {
              const { order, offsets } = groupByIndex(arrays[2], groups);
              return [arrays[0], arrays[1], order, offsets];
            },
          }),
          w.shape,
        )
      : null;
    return [gx, gw];
  });
}
