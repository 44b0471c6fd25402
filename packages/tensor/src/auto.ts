/**
 * Choosing the default backend by measurement: each available backend runs the same small
 * workload shaped like a training step (a matmul, an elementwise chain, a softmax and their
 * gradients), eagerly and compiled (compile.ts, the trainer's default), four times each, and
 * the fastest fourth run wins: the first compiles, and a threaded webasm plan walks its first two
 * runs on the calling thread to time its steps, then sets up its workers on the third. `setBackend('auto')` uses it; so does `setBackend()` when
 * SMOE_BACKEND is unset.
 */
import { isBackendAvailable, setBackend, type Backend, type BackendName, type BackendOptions } from './backend.js';
import { compile } from './compile.js';
import { randn } from './creation.js';
import { Rng } from './rng.js';
import { matmul, gelu, softmax, sum } from './ops/index.js';
import type { Tensor } from './tensor.js';

/** One backend's measured time for the probe workload, run eagerly or compiled. */
export interface BackendTiming {
  backend: BackendName;
  threads: boolean;
  /** How the probe ran: op by op, or as one compiled plan. */
  path: 'eager' | 'compiled';
  milliseconds: number;
}

function probeStep(a: Tensor, b: Tensor): Tensor[] {
  a.grad = null;
  b.grad = null;
  sum(softmax(gelu(matmul(a, b)))).backward();
  return [a.grad!, b.grad!];
}

/** The probe's inputs, and a function that runs it once on the path asked for. */
function probe(path: 'eager' | 'compiled'): { run: () => Promise<void>; dispose: () => void } {
  const rng = new Rng(1);
  const a = randn([128, 128], 1, { rng, requiresGrad: true });
  const b = randn([128, 128], 1, { rng, requiresGrad: true });
  const compiled = path === 'compiled' ? compile(probeStep) : undefined;
  const run = async () => {
    const grads = compiled ? await compiled.run(a, b) : probeStep(a, b);
    await Promise.all(grads.map((g) => g.data()));
  };
  return { run, dispose: () => compiled?.dispose() };
}

/** Times the probe workload on every available backend (fastest first). */
export async function measureBackends(candidates: readonly BackendName[] = ['webasm', 'cpu', 'webgpu']): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const backend of candidates) {
    if (!(await isBackendAvailable(backend))) continue;
    for (const threads of backend === 'webasm' ? [true, false] : [false]) {
      for (const path of ['eager', 'compiled'] as const) {
        try {
          await setBackend(backend, { threads });
          const { run, dispose } = probe(path);
          for (let warmup = 0; warmup < 3; warmup++) await run();
          const start = performance.now();
          await run();
          timings.push({ backend, threads, path, milliseconds: performance.now() - start });
          dispose();
        } catch {
          // A backend that fails the probe is not a candidate.
        }
      }
    }
  }
  return timings.sort((x, y) => x.milliseconds - y.milliseconds);
}

/** Selects the fastest available backend, measured here; returns it and all timings. */
export async function selectFastestBackend(): Promise<{ backend: Backend; timings: BackendTiming[] }> {
  const timings = await measureBackends();
  if (timings.length === 0) throw new Error('setBackend: no backend passed the probe workload');
  const best = timings[0];
  const options: BackendOptions = { threads: best.threads };
  return { backend: await setBackend(best.backend, options), timings };
}
