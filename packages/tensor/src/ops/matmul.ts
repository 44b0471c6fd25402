/**
 * matmul: batched matrix product with either operand transposed.
 *   a: [..., M, K] (or [..., K, M] with transposeA), b: [..., K, N] (or [..., N, K] with transposeB)
 *   out: [..., M, N]. Leading (batch) dimensions must match, or one operand is 2-D and is
 *   shared by every batch.
 * Gradient: dA = g·op(B)ᵀ, dB = op(A)ᵀ·g (transposes folded into the kernels' strides), summed
 * over the batch for a shared operand (for a shared B and an untransposed A, as one product over
 * all batches' rows).
 *
 * Two ways to compute the same product, chosen per backend and shape (`matmulPlan`):
 *
 * - `direct`: one kernel, one thread per output value, a plain dot product over K. Every backend
 *   runs it; it is the only path on cpu, and the path for N < 4 and small products.
 * - `tiled` (webasm, and webgpu from 64³ on, where it measured 2–4× faster than `direct` on
 *   Mesa's lavapipe): a register-blocked kernel over a 3-D grid [N, ⌊M/4⌋, batch]. Each thread
 *   returns `Array(4)` — four rows of one column — so the B value it loads feeds four multiply-
 *   adds, and the SIMD code generator runs four consecutive columns as the four lanes of one
 *   f32x4 (the `b[… + this.thread.x]` load is one contiguous v128 load, A's values are splats).
 *   B must have contiguous columns, so a transposed B is first packed by a copy kernel; a
 *   transposed A is read through its strides. The tile kernel writes [batch][⌊M/4⌋][N][4]; the
 *   M mod 4 rows left over come from a one-row-per-thread kernel with the same loads, and an
 *   assemble kernel interleaves both into [batch][M][N]. Integer constants (`strictIntegers`)
 *   keep the index math in i32, and `flatOutput` returns the Array(4) result as one flat array.
 *   Both kernels sum over k in ascending order, as the direct kernel does.
 *   On webasm the speed relies on the code-generator changes in the vendored @smoe/gpu.js (packages/gpujs) (contiguous SIMD loads, i32 loop
 *   counters, thread ids in locals, constant offsets in load immediates, v128.load32_splat,
 *   flatOutput); the kernels are plain gpu.js and compute the same values without it.
 */
import { getBackend, type KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape, sizeOf } from '../shape.js';
import { record, Tensor, type Storage } from '../tensor.js';
import { sum } from './sum.js';

function matmulKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  const i = this.thread.x;
  const mn = this.constants.m * this.constants.n;
  const batch = Math.floor((i + 0.5) / mn);
  const r = i - batch * mn;
  const row = Math.floor((r + 0.5) / this.constants.n);
  const col = r - row * this.constants.n;
  const aBase = batch * this.constants.aBatch + row * this.constants.aRow;
  const bBase = batch * this.constants.bBatch + col * this.constants.bCol;
  let s = 0;
  for (let k = 0; k < this.constants.k; k++) {
    s += a[aBase + k * this.constants.aK] * b[bBase + k * this.constants.bK];
  }
  return s;
}

// Tiled path (webasm). Grid [n, m4, batches]: thread (x, y, z) computes rows 4y..4y+3 of column x
// of batch z, k ascending two at a time (the direct kernel's summation order, so both paths give
// the same float32 sums). Index expressions stay inline: a declared local initialised from an
// integer expression becomes f32 in gpu.js, while these sums of i32 thread ids, i32 loop counter
// and integer constants stay i32; the patched code generator moves their constant tails into the
// loads' offsets, and `b[… + this.thread.x]` with a lane-uniform rest is one contiguous SIMD load.
function matmulTileKernel(this: KernelThis, a: Float32Array, b: Float32Array): number[] {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let q = 0; q < this.constants.kHalf; q++) {
    const b0 = b[this.thread.z * this.constants.bBatch + q * this.constants.bK2 + this.thread.x];
    s0 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2] * b0;
    s1 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aRow] * b0;
    s2 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aRow2] * b0;
    s3 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aRow3] * b0;
    const b1 = b[this.thread.z * this.constants.bBatch + q * this.constants.bK2 + this.constants.bK + this.thread.x];
    s0 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aK] * b1;
    s1 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aK + this.constants.aRow] * b1;
    s2 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aK + this.constants.aRow2] * b1;
    s3 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + q * this.constants.aK2 + this.constants.aK + this.constants.aRow3] * b1;
  }
  if (this.constants.kOdd === 1) {
    const bl = b[this.thread.z * this.constants.bBatch + this.constants.bLast + this.thread.x];
    s0 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + this.constants.aLast] * bl;
    s1 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + this.constants.aLast + this.constants.aRow] * bl;
    s2 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + this.constants.aLast + this.constants.aRow2] * bl;
    s3 += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow4 + this.constants.aLast + this.constants.aRow3] * bl;
  }
  return [s0, s1, s2, s3];
}

// The rows the tile kernel leaves (M mod 4 of them, or all of a product with M < 4): one row of
// one column per thread, the same contiguous B load and summation order. Grid [n, rows, batches].
function matmulRowKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < this.constants.k; k++) {
    s += a[this.thread.z * this.constants.aBatch + this.thread.y * this.constants.aRow + k * this.constants.aK + this.constants.aStart] *
      b[this.thread.z * this.constants.bBatch + k * this.constants.bK + this.thread.x];
  }
  return s;
}

// Packs op(B) as [batches][K][N] with contiguous columns. Grid [n, k, batches].
function packKernel(this: KernelThis, b: Float32Array): number {
  return b[this.thread.z * this.constants.bBatch + this.thread.y * this.constants.bK + this.thread.x * this.constants.bCol];
}

// Every row of every batch: rows below 4⌊M/4⌋ from the tile output (interleaved
// [batch][m4][nt][4], nt ≥ n columns), the others from the leftover rows [batch][mt][n].
// Grid [n, m, batches].
function assembleKernel(this: KernelThis, tiles: Float32Array, rest: Float32Array): number {
  if (this.thread.y < this.constants.mMain) {
    return tiles[((this.thread.z * this.constants.m4 + (this.thread.y >> 2)) * this.constants.nt + this.thread.x) * 4 + (this.thread.y & 3)];
  }
  return rest[(this.thread.z * this.constants.mt + this.thread.y - this.constants.mMain) * this.constants.n + this.thread.x];
}

/** Options of `matmul`. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** How `matmul` computes a product; see the file comment. */
export type MatmulPath = 'direct' | 'tiled';

/**
 * Smallest M·N·K the tiled path takes on webasm and on webgpu: below it the extra launches cost
 * more than they save (measured: the tiled path wins from about 8³ on webasm, 64³ on webgpu).
 */
const TILED_MIN_WORK: Partial<Record<string, number>> = { webasm: 512, webgpu: 1 << 17 };

/** Smallest batch·M·N·K the tile kernel spreads over the webasm worker pool (below, a pool round trip costs more). */
const THREADED_MIN_WORK = 1 << 25;

/**
 * gpu.js settings of the tiled path's kernels: integer constants (i32 index math) and a flat
 * result; on webasm, `asyncMode: false` keeps a cheap kernel (copies, or a small product) on
 * the calling thread even when the backend is threaded.
 */
export function tiledSettings(onCallingThread: boolean): Record<string, boolean> {
  const settings: Record<string, boolean> = { strictIntegers: true, flatOutput: true };
  if (onCallingThread && getBackend().name === 'webasm') settings.asyncMode = false;
  return settings;
}

/** Which path computes an [M, K] × [K, N] product on the current backend (exported for tests and benchmarks). */
export function matmulPlan(m: number, n: number, k: number): MatmulPath {
  if (forcedPath) return forcedPath === 'tiled' && n < 4 ? 'direct' : forcedPath;
  const least = TILED_MIN_WORK[getBackend().name];
  return least !== undefined && n >= 4 && m * n * k >= least ? 'tiled' : 'direct';
}

let forcedPath: MatmulPath | null = null;

/**
 * @internal Forces one path on every backend (tests and benchmarks compare them); `null`
 * restores the automatic choice. The tiled path still needs N ≥ 4 (its SIMD lanes run along N).
 */
export function setMatmulPath(path: MatmulPath | null): void {
  forcedPath = path;
}

interface Geometry {
  m: number;
  n: number;
  k: number;
  batches: number;
  ta: boolean;
  tb: boolean;
  aShared: boolean;
  bShared: boolean;
}

function direct(a: Tensor, b: Tensor, g: Geometry): Storage {
  const { m, n, k, batches, ta, tb, aShared, bShared } = g;
  const constants = {
    m,
    n,
    k,
    aBatch: aShared ? 0 : m * k,
    bBatch: bShared ? 0 : k * n,
    aRow: ta ? 1 : k,
    aK: ta ? m : 1,
    bCol: tb ? k : 1,
    bK: tb ? 1 : n,
  };
  return launch({ op: 'matmul', source: matmulKernel, output: batches * m * n, constants, inputs: [a, b] });
}

/** An intermediate result as a kernel input. */
function carrier(storage: Storage, size: number): Tensor {
  return new Tensor(storage, [size]);
}

function tiled(a: Tensor, b: Tensor, g: Geometry): Storage {
  // [..., M, K] × a shared [K, N] with A not transposed is one [batches·M, K] × [K, N] product
  if (g.bShared && !g.ta && g.batches > 1) g = { ...g, m: g.batches * g.m, batches: 1, bShared: false };
  const { m, n, k, batches, ta, tb, aShared, bShared } = g;
  const copy = tiledSettings(true);
  // B with contiguous columns: as given when not transposed, else packed
  let packed = b;
  if (tb) {
    const bBatches = bShared ? 1 : batches;
    packed = carrier(launch({
      op: 'matmul-pack',
      source: packKernel,
      output: bBatches * k * n,
      grid: [n, k, bBatches],
      constants: { bBatch: k * n, bK: 1, bCol: k },
      inputs: [b],
      settings: copy,
    }), bBatches * k * n);
  }
  const m4 = m >> 2;
  const mt = m - 4 * m4;
  const aBatch = aShared ? 0 : m * k;
  const aRow = ta ? 1 : k;
  const aK = ta ? m : 1;
  const bBatch = bShared ? 0 : k * n;
  const small = batches * m * n * k < THREADED_MIN_WORK;
  const tiles = m4 === 0 ? null : carrier(launch({
    op: 'matmul-tile',
    source: matmulTileKernel,
    output: batches * m4 * n * 4,
    grid: [n, m4, batches],
    constants: {
      kHalf: k >> 1,
      kOdd: k & 1,
      aBatch,
      aRow,
      aRow2: 2 * aRow,
      aRow3: 3 * aRow,
      aRow4: 4 * aRow,
      aK,
      aK2: 2 * aK,
      aLast: (k - 1) * aK,
      bBatch,
      bK: n,
      bK2: 2 * n,
      bLast: (k - 1) * n,
    },
    inputs: [a, packed],
    settings: tiledSettings(small),
  }), batches * m4 * n * 4);
  const rest = mt === 0 ? null : launch({
    op: 'matmul-rows',
    source: matmulRowKernel,
    output: batches * mt * n,
    grid: [n, mt, batches],
    constants: { k, aBatch, aRow, aK, aStart: 4 * m4 * aRow, bBatch, bK: n },
    inputs: [a, packed],
    settings: tiledSettings(small || m4 > 0),
  });
  if (!tiles) return rest as Storage;
  return assembleRows(tiles, rest === null ? null : carrier(rest, batches * mt * n), batches, m, n);
}

/**
 * @internal The tile output [batches][⌊m/4⌋][nt][4] (nt ≥ n columns) plus the last m mod 4 rows
 * ([batches][m mod 4][n], null when there are none) as [batches][m][n]. Shared with groupedMatmul.
 */
export function assembleRows(tiles: Tensor, rest: Tensor | null, batches: number, m: number, n: number, nt = n): Storage {
  const m4 = m >> 2;
  const mt = m - 4 * m4;
  return launch({
    op: 'matmul-assemble',
    source: assembleKernel,
    output: batches * m * n,
    grid: [n, m, batches],
    constants: { m4, mt, mMain: 4 * m4, n, nt },
    inputs: [tiles, rest ?? new Float32Array(0)],
    settings: tiledSettings(true),
  });
}

/** Batched matrix product of `a` and `b`. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  if (a.rank < 2 || b.rank < 2) throw new Error(`matmul: operands need rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`matmul: expected float32 tensors, got ${a} and ${b}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a.shape)}${ta ? 'ᵀ' : ''} × ${formatShape(b.shape)}${tb ? 'ᵀ' : ''} (${k} vs ${kb})`);
  }
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const aShared = aLead.length === 0 && bLead.length > 0;
  const bShared = bLead.length === 0 && aLead.length > 0;
  if (!aShared && !bShared && formatShape(aLead) !== formatShape(bLead)) {
    throw new Error(`matmul: batch dimensions differ: ${formatShape(a.shape)} × ${formatShape(b.shape)}; they must match or one operand must be 2-D`);
  }
  const lead = aLead.length ? aLead : bLead;
  const batches = sizeOf(lead);
  const geometry: Geometry = { m, n, k, batches, ta, tb, aShared, bShared };
  const empty = batches * m * n === 0;
  const storage = !empty && k > 0 && matmulPlan(m, n, k) === 'tiled' ? tiled(a, b, geometry) : direct(a, b, geometry);
  const out = new Tensor(storage, [...lead, m, n]);
  return record(out, 'matmul', [a, b], (g) => {
    const leadAxes = lead.map((_, i) => i);
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      ga = ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb });
      if (aShared) ga = sum(ga, leadAxes);
    }
    if (b.requiresGrad) {
      if (bShared && !ta) {
        // Σ over the batch of aᵀ·g is one product over all batches' rows: [K, B·M] × [B·M, N]
        const rows = new Tensor(a.values, [batches * m, k]);
        const grads = new Tensor(g.values, [batches * m, n]);
        gb = tb ? matmul(grads, rows, { transposeA: true }) : matmul(rows, grads, { transposeA: true });
      } else {
        gb = tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta });
        if (bShared) gb = sum(gb, leadAxes);
      }
    }
    return [ga, gb];
  });
}
