/**
 * Tiling: which path matmul and groupedMatmul take on each backend, and what their tiled paths
 * share. One table per backend (`tilingTables`) holds every size decision:
 *
 * - `tiledMinWork`: the least work (multiply-adds: M·N·K for matmul, P·K·N for groupedMatmul)
 *   from which an op takes its register-blocked `tiled` path instead of the `direct` kernel.
 *   Measured: the tiled path wins from about 8³ on webasm (512; 2^15 for the grouped product,
 *   whose gather and scatter kernels cost more) and from 64³ (2^17) on webgpu on Mesa's
 *   lavapipe, where it runs 2–4× faster than `direct`. cpu takes the direct kernels only.
 * - `threadedMinWork`: the least work a tile kernel spreads over the backend's worker pool
 *   (webasm: 2^25; below it a pool round trip costs more than it saves). Smaller tile kernels,
 *   and the copy kernels (pack, gather, scatter, assemble), run on the calling thread
 *   (`asyncMode: false`). A backend without the table entry has no such choice.
 *
 * A path can be forced on every backend (`forceTilingPath`, for tests and benchmarks). The
 * tiled paths' kernels run with integer constants (`strictIntegers`: i32 index math) and a
 * flat `Array(4)` result (`flatOutput`). Their 4 values per thread are 4 rows of one column:
 * matmul writes them as rows (`componentRows`) where M divides into quads; otherwise, and in
 * groupedMatmul, they are interleaved tiles that `assembleRows` (or a scatter) turns into rows.
 */
import { getBackend, type BackendName, type KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import type { Storage, Tensor } from '../tensor.js';

/** The ops with a tiled path. */
export type TiledOp = 'matmul' | 'groupedMatmul';

/** How a product is computed: one thread per output value (`direct`), or 4 rows per thread (`tiled`). */
export type TilingPath = 'direct' | 'tiled';

/** One backend's tiling decisions (see the file comment). */
export interface TilingTable {
  /** Least work from which each op takes the tiled path by itself; an op not listed never does. */
  readonly tiledMinWork: Readonly<Partial<Record<TiledOp, number>>>;
  /** Least work a tile kernel spreads over the worker pool; absent where the backend has none to choose. */
  readonly threadedMinWork?: number;
}

/** The tiling table of every backend: a new backend adds its line here, and no op changes. */
export const tilingTables: Readonly<Record<BackendName, TilingTable>> = {
  cpu: { tiledMinWork: {} },
  webasm: { tiledMinWork: { matmul: 512, groupedMatmul: 1 << 15 }, threadedMinWork: 1 << 25 },
  webgpu: { tiledMinWork: { matmul: 1 << 17, groupedMatmul: 1 << 17 } },
};

const forced = new Map<TiledOp, TilingPath>();

/** @internal Forces `path` for `op` on every backend (tests and benchmarks compare them); `null` restores the tables' choice. */
export function forceTilingPath(op: TiledOp, path: TilingPath | null): void {
  if (path === null) forced.delete(op);
  else forced.set(op, path);
}

/**
 * The path of a product of `work` multiply-adds: the forced one if any, else the current
 * backend's table's choice — `direct` where `tableMayTile` is false (a shape the op keeps off
 * the tiled path unless it is forced).
 */
export function tilingPath(op: TiledOp, work: number, tableMayTile = true): TilingPath {
  const path = forced.get(op);
  if (path) return path;
  const least = tilingTables[getBackend().name].tiledMinWork[op];
  return tableMayTile && least !== undefined && work >= least ? 'tiled' : 'direct';
}

/**
 * gpu.js settings of a tiled-path kernel doing `work` multiply-adds: integer constants and a
 * flat result; below the backend's `threadedMinWork`, on the calling thread. With `rows`, the
 * kernel's 4 values per thread are written as 4 output rows (`componentRows`): a tile grid
 * [n, m/4, batches] then writes [batches][m][n] itself, with no assemble kernel after it.
 */
export function tileSettings(work: number, rows = false): Record<string, boolean> {
  const settings: Record<string, boolean> = { strictIntegers: true, flatOutput: true };
  if (rows) settings.componentRows = true;
  const least = tilingTables[getBackend().name].threadedMinWork;
  if (least !== undefined && work < least) settings.asyncMode = false;
  return settings;
}

/** gpu.js settings of a tiled-path copy kernel (pack, gather, scatter, assemble): always on the calling thread. */
export function copySettings(): Record<string, boolean> {
  return tileSettings(0);
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

/**
 * The tile output [batches][⌊m/4⌋][nt][4] (nt ≥ n columns) plus the last m mod 4 rows
 * ([batches][m mod 4][n], null when there are none) as [batches][m][n].
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
    settings: copySettings(),
  });
}
