/**
 * matmul: batched matrix product with either operand transposed.
 *   a: [..., M, K] (or [..., K, M] with transposeA), b: [..., K, N] (or [..., N, K] with transposeB)
 *   out: [..., M, N]. Leading (batch) dimensions must match, or one operand is 2-D and is
 *   shared by every batch.
 * Gradient: dA = g·op(B)ᵀ, dB = op(A)ᵀ·g (transposes folded into the kernels' strides), summed
 * over the batch for a shared operand (for a shared B and an untransposed A, as one product over
 * all batches' rows).
 *
 * Two ways to compute the same product, chosen per backend and shape (`matmulPlan`, from the
 * backend's tiling table in tiling.ts). Both are gpu.js kernels, registered as the `matmul`
 * kernel of every backend (registry.ts):
 *
 * - `direct`: one kernel, one thread per output value, a plain dot product over K. Every backend
 *   runs it; it is the only path on cpu, and the path for N < 4 and small products.
 * - `tiled` (webasm, and webgpu from 64³ on, where it measured 2–4× faster than `direct` on
 *   Mesa's lavapipe): a register-blocked kernel over a 3-D grid [N, ⌊M/4⌋, batch]. Each thread
 *   returns `Array(4)` — four rows of one column — so the B value it loads feeds four multiply-
 *   adds, and the SIMD code generator runs four consecutive columns as the four lanes of one
 *   f32x4 (the `b[… + this.thread.x]` load is one contiguous v128 load, A's values are splats).
 *   B must have contiguous columns, so a transposed B is first packed by a copy kernel; a
 *   transposed A is read through its strides. Where M is a multiple of 4 the tile kernel writes
 *   its 4 rows as rows (gpu.js `componentRows`: four v128 stores per SIMD quad), which is the
 *   [batch][M][N] result itself. Otherwise it writes [batch][⌊M/4⌋][N][4] tiles, the M mod 4 rows
 *   left over come from a one-row-per-thread kernel with the same loads, and an assemble kernel
 *   (tiling.ts, shared with groupedMatmul) interleaves both into [batch][M][N].
 *   Integer constants (`strictIntegers`) keep the index math in i32, and `flatOutput` returns
 *   the Array(4) result as one flat array.
 *   Both kernels sum over k in ascending order, as the direct kernel does.
 *   On webasm the speed relies on the code-generator changes in the vendored @smoe/gpu.js (packages/gpujs) (contiguous SIMD loads, i32 loop
 *   counters, thread ids in locals, constant offsets in load immediates, v128.load32_splat,
 *   flatOutput); the kernels are plain gpu.js and compute the same values without it.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { getKernel, registerOnEveryBackend } from '../registry.js';
import { formatShape, sizeOf } from '../shape.js';
import { record, Tensor, type Storage } from '../tensor.js';
import { sum } from './sum.js';
import { assembleRows, copySettings, forceTilingPath, tileSettings, tilingPath, type TilingPath } from './tiling.js';

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

/** Options of `matmul`. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** How `matmul` computes a product; see the file comment. */
export type MatmulPath = TilingPath;

/** Which path computes an [M, K] × [K, N] product on the current backend (exported for tests and benchmarks). */
export function matmulPlan(m: number, n: number, k: number): MatmulPath {
  // the tiled kernels' SIMD lanes run along N: N < 4 takes the direct kernel, forced or not
  return n < 4 ? 'direct' : tilingPath('matmul', m * n * k);
}

/**
 * @internal Forces one path on every backend (tests and benchmarks compare them); `null`
 * restores the automatic choice. The tiled path still needs N ≥ 4 (its SIMD lanes run along N).
 */
export function setMatmulPath(path: MatmulPath | null): void {
  forceTilingPath('matmul', path);
}

/** The sizes and layout of a product: op(A) [batches][m][k] × op(B) [batches][k][n]. */
export interface MatmulGeometry {
  m: number;
  n: number;
  k: number;
  batches: number;
  /** A, B stored transposed. */
  ta: boolean;
  tb: boolean;
  /** A 2-D operand used by every batch. */
  aShared: boolean;
  bShared: boolean;
}

/** The `matmul` kernel (registry.ts): the product's values [batches][m][n], for any sizes (empty, K = 0 included). */
export type MatmulKernel = (a: Tensor, b: Tensor, geometry: MatmulGeometry) => Storage;

function direct(a: Tensor, b: Tensor, g: MatmulGeometry): Storage {
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

function tiled(a: Tensor, b: Tensor, g: MatmulGeometry): Storage {
  // [..., M, K] × a shared [K, N] with A not transposed is one [batches·M, K] × [K, N] product
  if (g.bShared && !g.ta && g.batches > 1) g = { ...g, m: g.batches * g.m, batches: 1, bShared: false };
  const { m, n, k, batches, ta, tb, aShared, bShared } = g;
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
      settings: copySettings(),
    }), bBatches * k * n);
  }
  const m4 = m >> 2;
  const mt = m - 4 * m4;
  const aBatch = aShared ? 0 : m * k;
  const aRow = ta ? 1 : k;
  const aK = ta ? m : 1;
  const bBatch = bShared ? 0 : k * n;
  const work = batches * m * n * k;
  // M a multiple of 4: the tile kernel writes its rows in place ([batches][m][n]), nothing to assemble
  const inPlace = mt === 0;
  const tiles = m4 === 0 ? null : launch({
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
    settings: tileSettings(work, inPlace),
  });
  if (tiles && inPlace) return tiles;
  const rest = mt === 0 ? null : launch({
    op: 'matmul-rows',
    source: matmulRowKernel,
    output: batches * mt * n,
    grid: [n, mt, batches],
    constants: { k, aBatch, aRow, aK, aStart: 4 * m4 * aRow, bBatch, bK: n },
    inputs: [a, packed],
    // beside the tile kernel the leftover rows are a small job, kept on the calling thread
    settings: m4 > 0 ? copySettings() : tileSettings(work),
  });
  if (!tiles) return rest as Storage;
  return assembleRows(carrier(tiles, batches * m4 * n * 4), rest === null ? null : carrier(rest, batches * mt * n), batches, m, n);
}

/** matmul's gpu.js kernels, one implementation for every backend: the path `matmulPlan` chooses. */
function gpujsMatmul(a: Tensor, b: Tensor, g: MatmulGeometry): Storage {
  const empty = g.batches * g.m * g.n === 0;
  return !empty && g.k > 0 && matmulPlan(g.m, g.n, g.k) === 'tiled' ? tiled(a, b, g) : direct(a, b, g);
}

registerOnEveryBackend('matmul', gpujsMatmul);

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
  const out = new Tensor(getKernel('matmul')(a, b, { m, n, k, batches, ta, tb, aShared, bShared }), [...lead, m, n]);
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
