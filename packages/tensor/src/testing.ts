/**
 * Test helpers (`@smoe/tensor/testing`, Node + vitest): run one suite on every backend that
 * works here, tfjs's `describeWithFlags` in spirit.
 *
 * cpu and webasm always run. webgpu runs when an adapter answers; with SMOE_REQUIRE_WEBGPU=1
 * (CI) a missing adapter is a failing test, never a silent skip.
 */
import { describe, beforeAll, it } from 'vitest';
import { isBackendAvailable, setBackend, type BackendName } from './backend.js';
import { installWebGPU } from './node.js';

await installWebGPU();

/** Backends available in this process, cpu first. */
export const testBackends: BackendName[] = [];
for (const name of ['cpu', 'webasm', 'webgpu'] as const) {
  if (await isBackendAvailable(name)) testBackends.push(name);
}
const webgpuMissing = !testBackends.includes('webgpu') && process.env.SMOE_REQUIRE_WEBGPU === '1';

/** Registers `suite` once per available backend, with that backend selected. */
export function describeEachBackend(title: string, suite: (backend: BackendName) => void, only?: readonly BackendName[]): void {
  for (const backend of testBackends) {
    if (only && !only.includes(backend)) continue;
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await setBackend(backend);
      });
      suite(backend);
    });
  }
  if (webgpuMissing && (!only || only.includes('webgpu'))) {
    describe(`${title} [webgpu]`, () => {
      it('needs a WebGPU adapter (SMOE_REQUIRE_WEBGPU=1)', () => {
        throw new Error('no WebGPU adapter answered: install Mesa lavapipe ≥ 25 (bash scripts/setup.sh --webgpu) and set XDG_RUNTIME_DIR');
      });
    });
  }
}

/** Largest absolute difference between two arrays of equal length (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    m = Math.max(m, d);
  }
  return m;
}
