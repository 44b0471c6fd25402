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
 * With BENCH_CONSUMER=<folder> (a consumer install made by `node --import tsx
 * scripts/consumer.ts <folder>`: the packed packages installed with npm), one more line per size
 * for `matmul`, `"backend":"consumer"`: the installed @smoe/tensor on threaded webasm, alternated
 * round by round with this monorepo's threaded webasm and tfjs, with `monorepoGflops` and
 * `ratioToMonorepo` beside it — npm users should get the monorepo's speed.
 *
 * Environment: BENCH_SIZES=128,256,512  BENCH_BACKENDS=webasm,webasm-1t,cpu,webgpu
 * BENCH_ROUNDS=7  BENCH_OPS=matmul,groupedMatmul  BENCH_CONSUMER=<folder>.
 * Run: `pnpm bench` (here or at the root).
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { groupedMatmul, installWebGPU, isBackendAvailable, matmul, Rng, setBackend, Tensor, type BackendName } from '../src/node.js';
import { matmulPlan } from '../src/ops/matmul.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type TensorModule = typeof import('../src/node.js');
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

/**
 * Runs the contenders in turn, round after round, so all see the same load — each round starts
 * with the next contender, so none always runs first; returns each one's median in ms.
 */
async function compare(contenders: (() => Promise<unknown>)[], warmup: number, count: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) {
    for (const run of contenders) await run();
  }
  const samples = contenders.map((): number[] => []);
  for (let i = 0; i < count; i++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const j = (i + turn) % contenders.length;
      samples[j].push(await time(contenders[j]));
    }
  }
  return samples.map(median);
}

/** The @smoe/tensor that npm installed into BENCH_CONSUMER's folder, or undefined when unset. */
async function loadConsumer(): Promise<TensorModule | undefined> {
  const folder = process.env.BENCH_CONSUMER;
  if (!folder) return undefined;
  const entry = join(resolve(folder), 'node_modules/@smoe/tensor/dist/node.js');
  try {
    return (await import(pathToFileURL(entry).href)) as TensorModule;
  } catch (error) {
    throw new Error(`BENCH_CONSUMER=${folder}: cannot load ${entry} (${(error as Error).message}); make the install with 'node --import tsx scripts/consumer.ts ${folder}'`);
  }
}

/** A tfjs matMul of two [n, n] matrices, read back and freed: the reference every row is timed against. */
function tfjsMatmul(tf: Tf, av: Float32Array, bv: Float32Array, n: number): { run: () => Promise<void>; dispose: () => void } {
  const ta = tf.tensor2d(av, [n, n]);
  const tb = tf.tensor2d(bv, [n, n]);
  return {
    run: async () => {
      const c = tf.matMul(ta, tb);
      await c.data();
      c.dispose();
    },
    dispose: () => {
      ta.dispose();
      tb.dispose();
    },
  };
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
        const reference = tfjsMatmul(tf, av, bv, n);
        const [ms, tfMs] = await compare([() => matmul(a, b).data(), reference.run], warmup, count);
        reference.dispose();
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
          [
            () => groupedMatmul(x, w, g).data(),
            async () => {
              const c = tf.matMul(tx, tw);
              await c.data();
              c.dispose();
            },
          ],
          warmup,
          count,
        );
        tx.dispose();
        tw.dispose();
        line('groupedMatmul', v, n, null, flops / ms / 1e6, flops / tfMs / 1e6, ms, tfMs, info);
      }
    }
  }
  const consumer = await loadConsumer();
  if (consumer && ops.includes('matmul')) {
    const variant: Variant = { label: 'consumer', backend: 'webasm', threads: true };
    await setBackend('webasm');
    await consumer.setBackend('webasm');
    for (const n of sizes) {
      const av = rng.normalArray(n * n);
      const bv = rng.normalArray(n * n);
      const a = new Tensor(av, [n, n]);
      const b = new Tensor(bv, [n, n]);
      const ca = new consumer.Tensor(av, [n, n]);
      const cb = new consumer.Tensor(bv, [n, n]);
      const reference = tfjsMatmul(tf, av, bv, n);
      const [ms, monorepoMs, tfMs] = await compare([() => consumer.matmul(ca, cb).data(), () => matmul(a, b).data(), reference.run], 3, rounds);
      reference.dispose();
      const flops = 2 * n * n * n;
      line('matmul', variant, n, matmulPlan(n, n, n), flops / ms / 1e6, flops / tfMs / 1e6, ms, tfMs, info, {
        monorepoGflops: round(flops / monorepoMs / 1e6),
        ratioToMonorepo: round(monorepoMs / ms, 3),
      });
    }
  }
  process.exit(0);
}

function line(bench: string, v: Variant, n: number, path: string | null, gflops: number, tfjs: number, ms: number, tfMs: number, info: object, extra: object = {}): void {
  console.log(
    JSON.stringify({
      bench,
      backend: v.label === 'consumer' ? 'consumer' : v.backend,
      threads: v.backend === 'webasm' ? v.threads : undefined,
      n,
      path: path ?? undefined,
      gflops: round(gflops),
      tfjsWasmGflops: round(tfjs),
      ratio: round(gflops / tfjs, 3),
      ms: round(ms, 3),
      tfjsWasmMs: round(tfMs, 3),
      tfjsWasm: info,
      ...extra,
    }),
  );
}

await main();
