/**
 * matmul benchmark: GFLOP/s of `matmul` on every backend available here, side by side with
 * @tensorflow/tfjs-backend-wasm (XNNPACK) measured in the same process, one JSON line per
 * (backend, size):
 *
 *   {"bench":"matmul","backend":"webasm","threads":true,"n":512,"path":"tiled","gflops":…,
 *    "tfjsWasmGflops":…,"ratio":…,"ms":…,"tfjsWasmMs":…,"tfjsWasm":{"simd":true,"threads":1}}
 *
 * `ratio` is gflops / tfjsWasmGflops. Each (backend, size) pair alternates one smoe run and one
 * tfjs run per round after a warm-up, so both see the same machine load; the numbers are the
 * medians of the rounds. tfjs-wasm runs with its default setting in Node: SIMD, single-threaded
 * (its multi-threaded binary is browser-only), reported in the `tfjsWasm` field.
 *
 * Also one line per (backend, size) for `groupedMatmul` (the MoE expert product): n rows spread
 * over 8 groups, an [n, n] weight per group; tfjs has no grouped product, so its column there is
 * a dense [n, n] × [n, n] matMul of the same work.
 *
 * Environment: BENCH_SIZES=128,256,512  BENCH_BACKENDS=webasm,webasm-1t,cpu,webgpu
 * BENCH_ROUNDS=7  BENCH_OPS=matmul,groupedMatmul. Run: `pnpm bench` (here or at the root).
 */
import { createRequire } from 'node:module';
import { groupedMatmul, installWebGPU, isBackendAvailable, matmul, Rng, setBackend, Tensor, type BackendName } from '../src/node.js';
import { matmulPlan } from '../src/ops/matmul.js';

type Tf = typeof import('@tensorflow/tfjs-core');
const require = createRequire(import.meta.url);

interface Variant {
  label: string;
  backend: BackendName;
  threads: boolean;
}

const sizes = (process.env.BENCH_SIZES ?? '128,256,512').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const ops = (process.env.BENCH_OPS ?? 'matmul,groupedMatmul').split(',');
const wanted = (process.env.BENCH_BACKENDS ?? 'webasm,webasm-1t,cpu,webgpu').split(',');

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function loadTfjs(): Promise<{ tf: Tf; info: { simd: boolean; threads: number } }> {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, info: { simd, threads: wasm.getThreadsCount() } };
}

async function variants(): Promise<Variant[]> {
  await installWebGPU();
  const list: Variant[] = [];
  for (const label of wanted) {
    const backend = (label === 'webasm-1t' ? 'webasm' : label) as BackendName;
    if (!(await isBackendAvailable(backend))) {
      console.error(`# ${label}: not available here, skipped`);
      continue;
    }
    list.push({ label, backend, threads: label !== 'webasm-1t' });
  }
  return list;
}

/** Alternates smoe and tfjs runs; returns both medians in ms. */
async function compare(smoe: () => Promise<unknown>, tfjs: () => Promise<unknown>, warmup: number, count: number): Promise<[number, number]> {
  for (let i = 0; i < warmup; i++) {
    await smoe();
    await tfjs();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < count; i++) {
    a.push(await time(smoe));
    b.push(await time(tfjs));
  }
  return [median(a), median(b)];
}

async function main(): Promise<void> {
  const { tf, info } = await loadTfjs();
  const rng = new Rng(1);
  for (const v of await variants()) {
    await setBackend(v.backend, { threads: v.threads });
    for (const n of sizes) {
      // the cpu backend is plain JavaScript: fewer rounds at the large sizes
      const count = v.backend === 'cpu' && n >= 256 ? 3 : rounds;
      const warmup = v.backend === 'cpu' && n >= 256 ? 1 : 3;
      const flops = 2 * n * n * n;
      if (ops.includes('matmul')) {
        const av = rng.normalArray(n * n);
        const bv = rng.normalArray(n * n);
        const a = new Tensor(av, [n, n]);
        const b = new Tensor(bv, [n, n]);
        const ta = tf.tensor2d(av, [n, n]);
        const tb = tf.tensor2d(bv, [n, n]);
        const [ms, tfMs] = await compare(
          () => matmul(a, b).data(),
          async () => {
            const c = tf.matMul(ta, tb);
            await c.data();
            c.dispose();
          },
          warmup,
          count,
        );
        ta.dispose();
        tb.dispose();
        line('matmul', v, n, matmulPlan(n, n, n), flops / ms / 1e6, flops / tfMs / 1e6, ms, tfMs, info);
      }
      if (ops.includes('groupedMatmul')) {
        // n rows over 8 groups (row p in group p mod 8), each group's weight [n, n]
        const groups = 8;
        const xv = rng.normalArray(n * n);
        const wv = rng.normalArray(groups * n * n);
        const gv = Float32Array.from({ length: n }, (_, p) => p % groups);
        const x = new Tensor(xv, [n, n]);
        const w = new Tensor(wv, [groups, n, n]);
        const g = new Tensor(gv, [n], 'int32');
        // tfjs has no grouped GEMM: its reference is a dense [n, n] × [n, n] matMul, the same work
        const tx = tf.tensor2d(xv, [n, n]);
        const tw = tf.tensor2d(wv.subarray(0, n * n), [n, n]);
        const [ms, tfMs] = await compare(
          () => groupedMatmul(x, w, g).data(),
          async () => {
            const c = tf.matMul(tx, tw);
            await c.data();
            c.dispose();
          },
          warmup,
          count,
        );
        tx.dispose();
        tw.dispose();
        line('groupedMatmul', v, n, null, flops / ms / 1e6, flops / tfMs / 1e6, ms, tfMs, info);
      }
    }
  }
  process.exit(0);
}

function line(bench: string, v: Variant, n: number, path: string | null, gflops: number, tfjs: number, ms: number, tfMs: number, info: object): void {
  console.log(
    JSON.stringify({
      bench,
      backend: v.backend,
      threads: v.backend === 'webasm' ? v.threads : undefined,
      n,
      path: path ?? undefined,
      gflops: round(gflops),
      tfjsWasmGflops: round(tfjs),
      ratio: round(gflops / tfjs, 3),
      ms: round(ms, 3),
      tfjsWasmMs: round(tfMs, 3),
      tfjsWasm: info,
    }),
  );
}

await main();
