/**
 * groupedMatmul: one matrix product per row group, the core of MoE expert computation
 * (as MegaBlocks' grouped GEMM or torch._grouped_mm):
 *   x: [P, K] rows, w: [E, K, N] one weight per group, group: int [P] in [0, E)
 *   out[p] = x[p] · w[group[p]]                                   → [P, N]
 * The work is P·K·N whatever E is: compute follows the rows each expert receives, not the
 * number of experts. Rows need not be sorted by group.
 * Gradient: dx[p] = g[p] · w[group[p]]ᵀ; dw[e] = Σ_{p in group e} x[p]ᵀ · g[p] (the host groups
 * rows by expert, then each dw entry sums its own group's rows).
 *
 * Two paths, chosen per backend and shape (`groupedMatmulPlan`, from the backend's tiling table in
 * tiling.ts), as for matmul; both are gpu.js kernels, registered as the `groupedMatmul` kernel of
 * every backend (registry.ts):
 * - `direct`: one thread per output value, a dot product over K (every backend).
 * - `tiled` (webasm, and webgpu for larger products): the host sorts rows by group and pads every group to a multiple of 4 rows
 *   (slots); a gather kernel copies the rows into slot order, a register-blocked kernel computes
 *   4 slots × 1 column per thread with `Array(4)` (one contiguous SIMD load of the group's
 *   weight row feeds 4 multiply-adds; see matmul.ts), and a scatter kernel reads each row's
 *   values back out of its slot. dx runs the same kernels over the weights transposed by a copy
 *   kernel; dw (when K and N are multiples of 4) sums each group's slots with the same blocking,
 *   over copies of x and g packed by column quads ([width/4][slots][4]) so its walk is contiguous.
 *   Sizes stay static: slots are bounded by P + 3·min(E, P), and unused quads are skipped.
 */
import type { KernelThis } from '../backend.js';
import { afterInputs, launch } from '../kernel.js';
import { getKernel, registerOnEveryBackend } from '../registry.js';
import { formatShape } from '../shape.js';
import { record, Tensor, type Storage } from '../tensor.js';
import { checkIndices, groupByIndex } from './indices.js';
import { assembleRows, copySettings, forceTilingPath, tileSettings, tilingPath, type TilingPath } from './tiling.js';

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

// ------------------------------------------------------------------------------ tiled path

// Rows of x in slot order (zeros in padding slots). Grid [k, slots].
function gatherSlotsKernel(this: KernelThis, x: Float32Array, rowOf: Float32Array): number {
  if (rowOf[this.thread.y] < 0) {
    return 0;
  }
  return x[(rowOf[this.thread.y] | 0) * this.constants.k + this.thread.x];
}

// 4 slots × 1 column: out[4y + c, x] = Σ_k xs[4y + c, k] · b[group, k, x], k ascending two at a
// time (see matmul's tile kernel). Grid [n, quads]. `| 0` makes the group index an i32, so the
// weight load is the contiguous SIMD load.
function groupedTileKernel(this: KernelThis, xs: Float32Array, b: Float32Array, quadGroup: Float32Array): number[] {
  if (quadGroup[this.thread.y] < 0) {
    return [0, 0, 0, 0];
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let q = 0; q < this.constants.kHalf; q++) {
    const b0 = b[(quadGroup[this.thread.y] | 0) * this.constants.bGroup + q * this.constants.n2 + this.thread.x];
    s0 += xs[this.thread.y * this.constants.k4 + q * 2] * b0;
    s1 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k] * b0;
    s2 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k2] * b0;
    s3 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k3] * b0;
    const b1 = b[(quadGroup[this.thread.y] | 0) * this.constants.bGroup + q * this.constants.n2 + this.constants.n + this.thread.x];
    s0 += xs[this.thread.y * this.constants.k4 + q * 2 + 1] * b1;
    s1 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k + 1] * b1;
    s2 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k2 + 1] * b1;
    s3 += xs[this.thread.y * this.constants.k4 + q * 2 + this.constants.k3 + 1] * b1;
  }
  if (this.constants.kOdd === 1) {
    const bl = b[(quadGroup[this.thread.y] | 0) * this.constants.bGroup + this.constants.bLast + this.thread.x];
    s0 += xs[this.thread.y * this.constants.k4 + this.constants.kLast] * bl;
    s1 += xs[this.thread.y * this.constants.k4 + this.constants.kLast + this.constants.k] * bl;
    s2 += xs[this.thread.y * this.constants.k4 + this.constants.kLast + this.constants.k2] * bl;
    s3 += xs[this.thread.y * this.constants.k4 + this.constants.kLast + this.constants.k3] * bl;
  }
  return [s0, s1, s2, s3];
}

// Each row's values out of its slot of the interleaved tile output. Grid [n, rows].
function scatterSlotsKernel(this: KernelThis, tiles: Float32Array, slotOf: Float32Array): number {
  return tiles[(((slotOf[this.thread.y] | 0) >> 2) * this.constants.n + this.thread.x) * 4 + ((slotOf[this.thread.y] | 0) & 3)];
}

// w transposed per group: [E][N][K] from [E][K][N]. Grid [k, n, groups].
function transposeGroupsKernel(this: KernelThis, w: Float32Array): number {
  return w[this.thread.z * this.constants.kn + this.thread.x * this.constants.n + this.thread.y];
}

// Rows of x in slot order, packed by column quads: out[z][s][c] = x[rowOf[s], 4z + c] (zeros in
// padding slots), so a walk over the slots of one column quad reads contiguous memory.
// Grid [4, slots, width/4].
function gatherQuadsKernel(this: KernelThis, x: Float32Array, rowOf: Float32Array): number {
  if (rowOf[this.thread.y] < 0) {
    return 0;
  }
  return x[(rowOf[this.thread.y] | 0) * this.constants.width + this.thread.z * 4 + this.thread.x];
}

// dw from quad-packed operands: thread (x, y, z) with z = e·(k/4) + kq computes
// dw[e][4kq + c][4y + x] = Σ_{slots s of e} xq[kq][s][c] · gq[y][s][x]. Both walks are
// contiguous, 16 bytes a slot; the gq load is one SIMD load over the 4 lanes x, the xq loads are
// splats. A group's slot count is a multiple of 4, so the loop takes 4 slots a step (unrolled by
// hand: one loop test and bounds check per 4 slots) into two sets of sums (even slots, odd slots;
// each ascending), added at the end: two independent chains of multiply-adds. Measured in the
// demo's step: 1.5× faster than the same kernel 2 slots a step, 2.3× faster than 1 slot a step.
// zBase/zStart/zSlots: per z, the xq offset of the group's first slot, the group's first slot · 4,
// and its slot count. The bases are `const … | 0` locals: int32 on webasm, computed once, and the
// gq index stays a contiguous load.
// Grid [4, n/4, groups·k/4]; writes the [groups][k/4][n][4] tile layout.
function weightGradQuadKernel(this: KernelThis, xq: Float32Array, gq: Float32Array, zBase: Float32Array, zStart: Float32Array, zSlots: Float32Array): number[] {
  const quads = (zSlots[this.thread.z] | 0) >> 2;
  const xBase = zBase[this.thread.z] | 0;
  const gBase = (this.thread.y * this.constants.slots4 + zStart[this.thread.z]) | 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let u0 = 0;
  let u1 = 0;
  let u2 = 0;
  let u3 = 0;
  for (let t = 0; t < this.constants.quads; t++) {
    if (t >= quads) {
      break;
    }
    const g0 = gq[gBase + t * 16 + this.thread.x];
    s0 += xq[xBase + t * 16] * g0;
    s1 += xq[xBase + t * 16 + 1] * g0;
    s2 += xq[xBase + t * 16 + 2] * g0;
    s3 += xq[xBase + t * 16 + 3] * g0;
    const g1 = gq[gBase + t * 16 + 4 + this.thread.x];
    u0 += xq[xBase + t * 16 + 4] * g1;
    u1 += xq[xBase + t * 16 + 5] * g1;
    u2 += xq[xBase + t * 16 + 6] * g1;
    u3 += xq[xBase + t * 16 + 7] * g1;
    const g2 = gq[gBase + t * 16 + 8 + this.thread.x];
    s0 += xq[xBase + t * 16 + 8] * g2;
    s1 += xq[xBase + t * 16 + 9] * g2;
    s2 += xq[xBase + t * 16 + 10] * g2;
    s3 += xq[xBase + t * 16 + 11] * g2;
    const g3 = gq[gBase + t * 16 + 12 + this.thread.x];
    u0 += xq[xBase + t * 16 + 12] * g3;
    u1 += xq[xBase + t * 16 + 13] * g3;
    u2 += xq[xBase + t * 16 + 14] * g3;
    u3 += xq[xBase + t * 16 + 15] * g3;
  }
  return [s0 + u0, s1 + u1, s2 + u2, s3 + u3];
}

/** How `groupedMatmul` computes; see the file comment. */
export type GroupedMatmulPath = TilingPath;

/** @internal Forces one path on every backend (tests, benchmarks); `null` restores the automatic choice. */
export function setGroupedMatmulPath(path: GroupedMatmulPath | null): void {
  forceTilingPath('groupedMatmul', path);
}

/** Which path computes a [P, K] × [E, K, N] grouped product on the current backend. */
export function groupedMatmulPlan(rows: number, k: number, n: number): GroupedMatmulPath {
  if (rows === 0 || n === 0 || k === 0) return 'direct';
  // fewer than 4 rows or columns take the tiled path only when it is forced
  return tilingPath('groupedMatmul', rows * k * n, rows >= 4 && n >= 4);
}

/** The `groupedMatmul` kernel (registry.ts): the product [P, N], with its gradient recorded (each path has its own backward). */
export type GroupedMatmulKernel = (x: Tensor, w: Tensor, group: Tensor) => Tensor;

/** The slot layout of a grouping: rows sorted by group, every group padded to whole quads. */
interface Slots {
  /** Source row of every slot, −1 for padding. [slots] */
  rowOf: Float32Array;
  /** Group of every quad of slots, −1 for unused quads. [slots / 4] */
  quadGroup: Float32Array;
  /** Slot of every row. [rows] */
  slotOf: Float32Array;
  /** First slot and slot count of every group. [groups] each */
  groupStart: Float32Array;
  groupSlots: Float32Array;
}

/** Upper bound of the slot count: each non-empty group adds at most 3 padding slots. */
function slotBound(rows: number, groups: number): number {
  return Math.ceil((rows + 3 * Math.min(groups, rows)) / 4) * 4;
}

function buildSlots(group: Float32Array, groups: number, slots: number): Slots {
  const { order, offsets } = groupByIndex(group, groups);
  const rowOf = new Float32Array(slots).fill(-1);
  const quadGroup = new Float32Array(slots / 4).fill(-1);
  const slotOf = new Float32Array(group.length);
  const groupStart = new Float32Array(groups);
  const groupSlots = new Float32Array(groups);
  let slot = 0;
  for (let e = 0; e < groups; e++) {
    const count = offsets[e + 1] - offsets[e];
    groupStart[e] = slot;
    groupSlots[e] = Math.ceil(count / 4) * 4;
    for (let t = 0; t < count; t++) {
      const p = order[offsets[e] + t];
      rowOf[slot + t] = p;
      slotOf[p] = slot + t;
    }
    for (let q = 0; q < groupSlots[e]; q += 4) quadGroup[(slot + q) / 4] = e;
    slot += groupSlots[e];
  }
  return { rowOf, quadGroup, slotOf, groupStart, groupSlots };
}

/** rows [P, width] → [slots, width] in slot order. */
function gatherSlots(x: Tensor, rowOf: Tensor, width: number, slots: number): Tensor {
  return new Tensor(
    launch({ op: 'groupedMatmul-gather', source: gatherSlotsKernel, output: slots * width, grid: [width, slots], constants: { k: width }, inputs: [x, rowOf], settings: copySettings() }),
    [slots, width],
  );
}

/** xs [slots, k] times b [E, k, n] by quad group, back to row order → [rows, n]. */
function slotProduct(xs: Tensor, b: Tensor | Storage, layout: { quadGroup: Tensor; slotOf: Tensor }, k: number, n: number, groups: number, rows: number, slots: number): Storage {
  const weights = b instanceof Tensor ? b : new Tensor(b, [groups * k * n]);
  const tiles = launch({
    op: 'groupedMatmul-tile',
    source: groupedTileKernel,
    output: slots * n,
    grid: [n, slots / 4],
    constants: { kHalf: k >> 1, kOdd: k & 1, kLast: k - 1, k, n, n2: 2 * n, k2: 2 * k, k3: 3 * k, k4: 4 * k, bGroup: k * n, bLast: (k - 1) * n },
    inputs: [xs, weights, layout.quadGroup],
    settings: tileSettings(slots * k * n),
  });
  return launch({
    op: 'groupedMatmul-scatter',
    source: scatterSlotsKernel,
    output: rows * n,
    grid: [n, rows],
    constants: { n },
    inputs: [new Tensor(tiles, [slots * n]), layout.slotOf],
    settings: copySettings(),
  });
}

/** rows [P, width] → [width/4][slots][4]: slot order, packed by column quads (width a multiple of 4). */
function gatherQuads(x: Tensor, rowOf: Tensor, width: number, slots: number): Tensor {
  return new Tensor(
    launch({ op: 'groupedMatmul-gather-quads', source: gatherQuadsKernel, output: slots * width, grid: [4, slots, width / 4], constants: { width }, inputs: [x, rowOf], settings: copySettings() }),
    [width / 4, slots, 4],
  );
}

const quadOffsetCache = new WeakMap<Slots, Map<number, [Float32Array, Float32Array, Float32Array]>>();

/** Per z = e·(k/4) + kq of the quad dw kernel: xq offset of group e's first slot in quad kq, 4 · its first slot, its slot count. */
function quadOffsets(layout: Slots, k: number, slots: number): [Float32Array, Float32Array, Float32Array] {
  let byK = quadOffsetCache.get(layout);
  if (!byK) quadOffsetCache.set(layout, (byK = new Map()));
  let arrays = byK.get(k);
  if (!arrays) {
    const groups = layout.groupStart.length;
    const kq = k / 4;
    const zBase = new Float32Array(groups * kq);
    const zStart = new Float32Array(groups * kq);
    const zSlots = new Float32Array(groups * kq);
    for (let e = 0; e < groups; e++) {
      for (let q = 0; q < kq; q++) {
        zBase[e * kq + q] = (q * slots + layout.groupStart[e]) * 4;
        zStart[e * kq + q] = layout.groupStart[e] * 4;
        zSlots[e * kq + q] = layout.groupSlots[e];
      }
    }
    byK.set(k, (arrays = [zBase, zStart, zSlots]));
  }
  return arrays;
}

function tiledGroupedMatmul(x: Tensor, w: Tensor, group: Tensor): Tensor {
  const [rows, k] = x.shape;
  const [groups, , n] = w.shape;
  const slots = slotBound(rows, groups);
  const layout = afterInputs([group], ([g]) => {
    checkIndices('groupedMatmul', g, groups, 'the groups of w');
    return buildSlots(g, groups, slots);
  }, 'groupedMatmul');
  const part = (name: keyof Slots, size: number): Tensor =>
    new Tensor(layout instanceof Promise ? layout.then((l) => l[name]) : layout[name], [size]);
  const rowOf = part('rowOf', slots);
  const slotLayout = { quadGroup: part('quadGroup', slots / 4), slotOf: part('slotOf', rows) };
  const xs = gatherSlots(x, rowOf, k, slots);
  const out = new Tensor(slotProduct(xs, w, slotLayout, k, n, groups, rows, slots), [rows, n]);
  return record(out, 'groupedMatmul', [x, w], (g) => {
    const tiledWeightGrad = w.requiresGrad && k % 4 === 0 && n % 4 === 0;
    const gs = x.requiresGrad ? gatherSlots(g, rowOf, n, slots) : null;
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      const wt = launch({
        op: 'groupedMatmul-transpose',
        source: transposeGroupsKernel,
        output: groups * k * n,
        grid: [k, n, groups],
        constants: { kn: k * n, n },
        inputs: [w],
        settings: copySettings(),
      });
      gx = new Tensor(slotProduct(gs as Tensor, wt, slotLayout, n, k, groups, rows, slots), x.shape);
    }
    let gw: Tensor | null = null;
    if (w.requiresGrad) {
      if (tiledWeightGrad) {
        const xq = gatherQuads(x, rowOf, k, slots);
        const gq = gatherQuads(g, rowOf, n, slots);
        const zPart = (index: 0 | 1 | 2): Tensor =>
          new Tensor(layout instanceof Promise ? layout.then((l) => quadOffsets(l, k, slots)[index]) : quadOffsets(layout, k, slots)[index], [groups * (k / 4)]);
        const tiles = launch({
          op: 'groupedMatmul-dw-quad',
          source: weightGradQuadKernel,
          output: groups * k * n,
          grid: [4, n / 4, groups * (k / 4)],
          constants: { quads: slots / 4, slots4: 4 * slots },
          inputs: [xq, gq, zPart(0), zPart(1), zPart(2)],
          settings: tileSettings(slots * k * n),
        });
        gw = new Tensor(assembleRows(new Tensor(tiles, [groups * k * n]), null, groups, k, n), w.shape);
      } else {
        gw = directWeightGrad(x, g, group, groups, k, n, rows);
      }
    }
    return [gx, gw];
  });
}

function directWeightGrad(x: Tensor, g: Tensor, group: Tensor, groups: number, k: number, n: number, rows: number): Tensor {
  return new Tensor(
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
    [groups, k, n],
  );
}

function directGroupedMatmul(x: Tensor, w: Tensor, group: Tensor): Tensor {
  const [rows, k] = x.shape;
  const [groups, , n] = w.shape;
  const validate = (values: Float32Array): void => checkIndices('groupedMatmul', values, groups, 'the groups of w');
  const out = new Tensor(
    launch({ op: 'groupedMatmul', source: forwardKernel, output: rows * n, constants: { n, k, wGroup: k * n, wK: n, wN: 1 }, inputs: [x, w, group], check: { input: 2, validate } }),
    [rows, n],
  );
  return record(out, 'groupedMatmul', [x, w], (g) => {
    const gx = x.requiresGrad
      ? new Tensor(launch({ op: 'groupedMatmul-dx', source: forwardKernel, output: rows * k, constants: { n: k, k: n, wGroup: k * n, wK: 1, wN: n }, inputs: [g, w, group] }), x.shape)
      : null;
    const gw = w.requiresGrad ? directWeightGrad(x, g, group, groups, k, n, rows) : null;
    return [gx, gw];
  });
}

/** groupedMatmul's gpu.js kernels, one implementation for every backend: the path `groupedMatmulPlan` chooses. */
function gpujsGroupedMatmul(x: Tensor, w: Tensor, group: Tensor): Tensor {
  const [rows, k] = x.shape;
  const [groups, , n] = w.shape;
  return groupedMatmulPlan(rows, k, n) === 'tiled' && groups > 0 ? tiledGroupedMatmul(x, w, group) : directGroupedMatmul(x, w, group);
}

registerOnEveryBackend('groupedMatmul', gpujsGroupedMatmul);

/** Row-wise product of `x` [P, K] with the weight `w[group[p]]` of `w` [E, K, N]. */
export function groupedMatmul(x: Tensor, w: Tensor, group: Tensor): Tensor {
  if (x.rank !== 2 || w.rank !== 3) throw new Error(`groupedMatmul: expected x [rows, K] and w [groups, K, N], got ${formatShape(x.shape)} and ${formatShape(w.shape)}`);
  const [rows, k] = x.shape;
  const wk = w.shape[1];
  if (k !== wk) throw new Error(`groupedMatmul: inner dimensions differ: x ${formatShape(x.shape)} and w ${formatShape(w.shape)} (${k} vs ${wk})`);
  if (group.dtype !== 'int32' || group.rank !== 1 || group.size !== rows) {
    throw new Error(`groupedMatmul: group must be int32 [${rows}], got ${group}`);
  }
  return getKernel('groupedMatmul')(x, w, group);
}
