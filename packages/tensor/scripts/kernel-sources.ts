/**
 * kernel-sources: a fingerprint of every kernel matmul and groupedMatmul compile, so that a
 * refactor of their planning or kernels can be shown to change nothing that runs. Run it on two
 * commits and diff the output; identical lines mean the same gpu.js kernels were built from the
 * same function source with the same settings, and gpu.js generated the same code.
 *
 * Each op runs forward and backward over shapes on both sides of every threshold of the tiling
 * tables (the tiled path's least work on webasm and webgpu, the worker-pool least work on
 * webasm), with every transpose and batch layout, with the automatic choice and with each path
 * forced, eagerly and inside a compiled step, on cpu, webasm (threads and one thread) and webgpu
 * when an adapter answers. One JSON line per compiled kernel, sorted:
 *
 *   {"backend":"webasm","threads":true,"pass":"automatic","mode":"webasm","source":"matmulTileKernel",
 *    "sourceSha":"…","settings":{…},"generated":null,"modules":["…"]}
 *
 * `sourceSha`: sha256 of the kernel function's text as gpu.js receives it; `settings`: what
 * `createKernel` is given (output, constants, per-kernel settings); `generated`: sha256 of the
 * JavaScript (cpu) or WGSL (webgpu) gpu.js generated; `modules`: sha256 of each WebAssembly
 * module it assembled (webasm). A last line per backend lists every module and shader assembled
 * there (`assembled`), those of compiled steps' fused plans included, and one line per pass
 * (`automatic`, `direct`, `tiled` forced, `compiled`) lists the cache keys of every kernel it
 * launched (`launched`: op, sizes, constants, grid and settings: the path each product took). With
 * KERNEL_SOURCES_DIR=<folder> the full texts and modules are also written there, one file per sha.
 *
 * Run: XDG_RUNTIME_DIR=/tmp node --conditions=@smoe/source --import tsx packages/tensor/scripts/kernel-sources.ts > kernels.jsonl
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import gpujs from '@smoe/gpu.js';
import { Backend, compile, groupedMatmul, installWebGPU, matmul, Rng, setBackend, Tensor, type BackendName } from '../src/node.js';
import { setGroupedMatmulPath } from '../src/ops/grouped_matmul.js';
import { setMatmulPath } from '../src/ops/matmul.js';

interface GpuKernel {
  getKernelString?: () => string;
  compiledSource?: string | null;
  modules?: string[];
}
interface Created {
  pass: string;
  mode: string;
  source: string;
  settings: Record<string, unknown>;
  shortcut: { kernel: GpuKernel };
}

const dir = process.env.KERNEL_SOURCES_DIR;
if (dir) mkdirSync(dir, { recursive: true });

function sha(text: string | Uint8Array): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  if (dir) writeFileSync(join(dir, hash), text);
  return hash;
}

// every createKernel call, and every WebAssembly module a kernel (or a fused plan) assembles
const created: Created[] = [];
const { GPU } = gpujs;
const gpuPrototype = GPU.prototype as unknown as { createKernel(source: () => unknown, settings: Record<string, unknown>): Created['shortcut'] };
const createKernel = gpuPrototype.createKernel;
gpuPrototype.createKernel = function (this: { mode: string }, source, settings) {
  const shortcut = createKernel.call(this, source, settings);
  created.push({ pass, mode: this.mode, source: source.toString(), settings: { ...settings }, shortcut });
  return shortcut;
};
// compiled steps' plans build their modules and shaders on clones of the kernels: every one
// assembled while a backend runs is also listed on that backend's `assembled` line
const assembled = new Set<string>();
const { WebAssemblyKernel, WebGPUKernel } = gpujs as unknown as {
  WebAssemblyKernel: { prototype: { _assembleModule(...args: unknown[]): { bytes: Uint8Array } } };
  WebGPUKernel: { prototype: { assembleWGSL(): string } };
};
const assembleModule = WebAssemblyKernel.prototype._assembleModule;
WebAssemblyKernel.prototype._assembleModule = function (this: GpuKernel, ...args: unknown[]) {
  const result = assembleModule.apply(this, args);
  const hash = sha(result.bytes);
  (this.modules ??= []).push(hash);
  assembled.add(hash);
  return result;
};
const assembleWGSL = WebGPUKernel.prototype.assembleWGSL;
WebGPUKernel.prototype.assembleWGSL = function (this: GpuKernel) {
  const wgsl = assembleWGSL.call(this);
  assembled.add(sha(wgsl));
  return wgsl;
};

// the kernels each pass launches (by cache key: op, sizes, constants, grid, settings), compiled or cached
let pass = '';
const launched = new Map<string, Set<string>>();
const backendPrototype = Backend.prototype as unknown as { kernel(key: string, ...rest: unknown[]): unknown };
const kernel = backendPrototype.kernel;
backendPrototype.kernel = function (this: Backend, key, ...rest) {
  if (!launched.has(pass)) launched.set(pass, new Set());
  launched.get(pass)?.add(key);
  return kernel.call(this, key, ...rest);
};

let seed = 1;
function input(shape: number[], requiresGrad = true): Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return new Tensor(new Rng(seed++).uniformArray(size, -1, 1), shape, 'float32', requiresGrad);
}

/** [M, K] × [K, N] stored as the transposes ask (a: [..., K, M] with ta, b: [..., N, K] with tb). */
async function product(aLead: number[], bLead: number[], m: number, k: number, n: number, ta: boolean, tb: boolean): Promise<void> {
  const a = input([...aLead, ...(ta ? [k, m] : [m, k])]);
  const b = input([...bLead, ...(tb ? [n, k] : [k, n])]);
  const out = matmul(a, b, { transposeA: ta, transposeB: tb });
  out.sum().backward();
  await Promise.all([out.data(), a.grad?.data(), b.grad?.data()]);
}

async function grouped(rows: number, k: number, n: number, groups: number): Promise<void> {
  const rng = new Rng(seed++);
  // group 1 stays empty, rows unsorted
  const group = Float32Array.from({ length: rows }, () => {
    const e = rng.int(groups);
    return e === 1 ? 0 : e;
  });
  const x = input([rows, k]);
  const w = input([groups, k, n]);
  const out = groupedMatmul(x, w, new Tensor(group, [rows], 'int32'));
  out.sum().backward();
  await Promise.all([out.data(), x.grad?.data(), w.grad?.data()]);
}

const flags: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];

async function matmuls(large: boolean): Promise<void> {
  // work M·N·K around 512 (webasm's tiled least work) and 2^17 (webgpu's), N < 4, M < 4, M mod 4
  for (const [m, k, n] of [[4, 4, 4], [8, 8, 8], [8, 64, 3], [3, 600, 16], [63, 64, 32], [64, 64, 32], [13, 20, 12]]) {
    for (const [ta, tb] of flags) await product([], [], m, k, n, ta, tb);
  }
  // batches, a shared B (folded into one product), a shared A
  for (const [ta, tb] of flags) {
    await product([2], [2], 9, 8, 12, ta, tb);
    await product([2, 3], [], 7, 6, 4, ta, tb);
    await product([], [3], 5, 6, 12, ta, tb);
  }
  // around 2^25 (webasm's worker-pool least work): the tile kernel threaded, the row kernel not
  if (large) {
    await product([], [], 256, 512, 256, false, false);
    await product([], [], 257, 512, 256, false, true);
    await product([], [], 252, 512, 256, false, false);
  }
}

async function groupedMatmuls(large: boolean): Promise<void> {
  // work P·K·N around 2^15 (webasm) and 2^17 (webgpu); K, N multiples of 4 (quad dw) or not
  for (const [rows, k, n, groups] of [[8, 4, 4, 3], [31, 32, 32, 4], [32, 32, 32, 4], [128, 32, 32, 8], [128, 33, 31, 8], [3, 5, 6, 2]]) {
    await grouped(rows, k, n, groups);
  }
  // slots·K·N around 2^25 (the worker pool)
  if (large) {
    await grouped(496, 256, 256, 8);
    await grouped(520, 256, 256, 8);
  }
}

/** matmul and groupedMatmul inside one compiled step (the recorded kernels, the fused plan). */
async function compiled(): Promise<void> {
  const a = input([24, 16]);
  const b = input([16, 12]);
  const x = input([40, 16]);
  const w = input([3, 16, 8]);
  const group = new Tensor(Float32Array.from({ length: 40 }, (_, i) => (i * 7) % 3), [40], 'int32');
  const step = compile(() => {
    for (const t of [a, b, x, w]) t.grad = null;
    const loss = matmul(a, b).sum().add(groupedMatmul(x, w, group).sum());
    loss.backward();
    return { loss, ga: a.grad as Tensor, gw: w.grad as Tensor };
  });
  for (let run = 0; run < 2; run++) await step.run();
}

const variants: Array<{ backend: BackendName; threads: boolean }> = [
  { backend: 'cpu', threads: false },
  { backend: 'webasm', threads: true },
  { backend: 'webasm', threads: false },
];
if (await installWebGPU()) variants.push({ backend: 'webgpu', threads: false });

console.error('kernel-sources: sources loaded');
const lines: string[] = [];
for (const { backend, threads } of variants) {
  // a webgpu device kept for the whole run: a kernel compiled again after an idle release would count twice
  await setBackend(backend, { threads, idleReleaseMs: 600_000 });
  const from = created.length;
  assembled.clear();
  launched.clear();
  for (const path of [null, 'direct', 'tiled'] as const) {
    pass = path ?? 'automatic';
    setMatmulPath(path);
    setGroupedMatmulPath(path);
    await matmuls(path === null);
    await groupedMatmuls(path === null);
  }
  setMatmulPath(null);
  setGroupedMatmulPath(null);
  pass = 'compiled';
  await compiled();
  const rows = created.slice(from).map((c) => {
    const { constants, ...rest } = c.settings;
    const kernel = c.shortcut.kernel;
    const generated = kernel.getKernelString ? kernel.getKernelString() : kernel.compiledSource;
    return {
      backend,
      threads,
      pass: c.pass,
      mode: c.mode,
      source: /^function\s*(\w*)/.exec(c.source)?.[1] ?? '',
      sourceSha: sha(c.source),
      settings: { ...rest, constants },
      generated: typeof generated === 'string' ? sha(generated) : null,
      modules: [...new Set(kernel.modules ?? [])].sort(),
    };
  });
  for (const row of rows) lines.push(JSON.stringify(row));
  lines.push(JSON.stringify({ backend, threads, assembled: [...assembled].sort() }));
  for (const [name, keys] of launched) lines.push(JSON.stringify({ backend, threads, pass: name, launched: [...keys].sort() }));
}
// a kernel compiled again (webgpu recompiles after releasing an idle device) is one line
const unique = [...new Set(lines)].sort();
console.log(unique.join('\n'));
console.error(`kernel-sources: ${unique.length} distinct kernels`);
process.exit(0);
