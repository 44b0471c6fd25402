/**
 * The webasm backend's one worker pool for the process: however many kernels (and GPU
 * instances) run threaded, the live worker threads stay within the pool size, every kernel
 * dispatches to the same pool, destroying one GPU leaves the others' kernels running, and the
 * results are the kernels' exact values.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { GPU } = require('../src/index.js') as { GPU: new (settings: object) => GpuInstance };
const { sharedWorkerCount, defaultConcurrency } = require('../src/backend/web-assembly/worker-pool.js') as { sharedWorkerCount(): number; defaultConcurrency(): number };
const { WebAssemblyKernel } = require('../src/backend/web-assembly/kernel.js') as { WebAssemblyKernel: { isThreadsSupported: boolean } };

interface KernelShortcut {
  (...args: unknown[]): Promise<Float32Array>;
  kernel: { _pool: unknown };
}
interface GpuInstance {
  createKernel(source: unknown, settings: object): KernelShortcut;
  destroy(): Promise<void> | void;
}

// 8192 cells: above the 4096-cell threshold at which a call is split across the pool.
const CELLS = 8192;

/** Kernel `i` computes x·(i + 1) + i: a distinct source and constants per kernel, so each is its own compiled module. */
function makeKernel(gpu: GpuInstance, i: number): KernelShortcut {
  const source = new Function('x', `return x[this.thread.x] * this.constants.scale + ${i};`);
  return gpu.createKernel(source, { output: [CELLS], constants: { scale: i + 1 }, asyncMode: true, flatOutput: true, precision: 'single' });
}

describe.skipIf(!WebAssemblyKernel.isThreadsSupported)('webasm shared worker pool', () => {
  it('keeps the live worker threads within the pool size over many kernels and GPU instances, with exact results', async () => {
    const x = new Float32Array(CELLS).map((_, j) => (j % 97) - 48);
    const gpus = [new GPU({ mode: 'webasm' }), new GPU({ mode: 'webasm' })];
    const kernels = Array.from({ length: 24 }, (_, i) => makeKernel(gpus[i % 2], i));
    const results = await Promise.all(kernels.map((k) => k(x)));
    results.forEach((out, i) => {
      for (let j = 0; j < CELLS; j += 613) expect(out[j]).toBe(x[j] * (i + 1) + i);
    });
    const pools = new Set(kernels.map((k) => k.kernel._pool));
    expect(pools.size).toBe(1);
    expect(sharedWorkerCount()).toBeGreaterThan(0);
    expect(sharedWorkerCount()).toBeLessThanOrEqual(defaultConcurrency());

    // Destroying one GPU releases its kernels' entries but not the pool the other GPU's kernels use.
    await gpus[0].destroy();
    const again = await kernels[1](x);
    expect(again[5]).toBe(x[5] * 2 + 1);
    expect(sharedWorkerCount()).toBeLessThanOrEqual(defaultConcurrency());
    await gpus[1].destroy();
  });
});
