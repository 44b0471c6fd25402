/**
 * Choosing the default backend by measurement: each available backend runs the same small
 * workload shaped like a training step (a matmul, an elementwise chain, a softmax and their
 * gradients), twice, and the fastest second run wins. `setBackend('auto')` uses it; so does
 * `setBackend()` when SMOE_BACKEND is unset.
 */
import { isBackendAvailable, setBackend, type Backend, type BackendName, type BackendOptions } from './backend.js';
import { randn } from './creation.js';
import { Rng } from './rng.js';
import { matmul, gelu, softmax, sum } from './ops/index.js';

/** One backend's measured time for the probe workload. */
export interface BackendTiming {
  backend: BackendName;
  threads: boolean;
  milliseconds: number;
}

async function probe(): Promise<void> {
  const rng = new Rng(1);
  const a = randn([128, 128], 1, { rng, requiresGrad: true });
  const b = randn([128, 128], 1, { rng, requiresGrad: true });
  const loss = sum(softmax(gelu(matmul(a, b))));
  loss.backward();
  await a.grad!.data();
  await b.grad!.data();
}

/** Times the probe workload on every available backend (fastest first). */
export async function measureBackends(candidates: readonly BackendName[] = ['webasm', 'cpu', 'webgpu']): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const backend of candidates) {
    if (!(await isBackendAvailable(backend))) continue;
    for (const threads of backend === 'webasm' ? [true, false] : [false]) {
      try {
        await setBackend(backend, { threads });
        await probe();
        const start = performance.now();
        await probe();
        timings.push({ backend, threads, milliseconds: performance.now() - start });
      } catch {
        // A backend that fails the probe is not a candidate.
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
