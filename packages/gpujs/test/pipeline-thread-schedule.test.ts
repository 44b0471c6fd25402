/**
 * The fused-threaded webasm executor's schedule: its first runs walk the plan on the calling
 * thread and time every step; after them the long steps are shared out in chunks and the short
 * ones run whole on one worker, with barriers only around shared steps and at the end. The
 * values must be exactly those of one thread, run after run, with the data crossing between
 * shared and unshared steps in both directions. Threaded plans share the process's one worker
 * pool: plans run at the same time never wait at each other's barriers.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;
const require = createRequire(import.meta.url);
const { WebAssemblyKernel } = require('../src/backend/web-assembly/kernel.js') as { WebAssemblyKernel: { isThreadsSupported: boolean } };
const { defaultConcurrency, sharedWorkerCount } = require('../src/backend/web-assembly/worker-pool.js') as { defaultConcurrency(): number; sharedWorkerCount(): number };

interface Schedule {
  steps: number;
  shared: number;
  barriers: number;
  workers: number;
}
type Pipeline = ((...args: unknown[]) => Promise<Float32Array[]>) & { executorKind: string; threadSchedule(): Schedule | null; destroy(): Promise<void>; pipeline: { _executor: { pool: unknown } } };

const N = 1 << 16; // long steps: 65,536 cells of a 64-term sum (well over the 0.2 ms a step is shared from)
const M = 16; // short steps: 16 cells

/** A 7-step plan: two long steps (shared out) and five short ones. `offset` makes plans of different sources. */
function build(threads: boolean, offset = 0): { gpu: { destroy(): unknown }; pipeline: Pipeline } {
  const gpu = new GPU({ mode: 'webasm' });
  const settings = { asyncMode: threads, precision: 'single' } as never;
  // long: out[x] = Σ_{i<64} a[(x + i) mod N] · 2^-6 + b[x mod 16]
  const long = gpu.createKernel(
    function (a: Float32Array, b: Float32Array) {
      let s = 0;
      for (let i = 0; i < 64; i++) {
        s += a[(this.thread.x + i) % this.constants.n] * 0.015625;
      }
      return s + b[this.thread.x % 16];
    },
    { ...(settings as object), output: [N], constants: { n: N } } as never,
  );
  // short: reads every 4096th value of a long step, or the last short step
  const pick = gpu.createKernel(
    function (a: Float32Array) {
      return a[this.thread.x * 4096] + 1;
    },
    { ...(settings as object), output: [M] } as never,
  );
  const scale = gpu.createKernel(
    function (a: Float32Array) {
      return a[this.thread.x] * 0.5 - this.constants.offset;
    },
    { ...(settings as object), output: [M], constants: { offset: 1 + offset } } as never,
  );
  const pipeline = gpu.createPipeline(
    function (a: unknown, b: unknown) {
      const l1 = long(a, b);
      const s1 = scale(pick(l1));
      const s2 = scale(s1);
      const l2 = long(l1, s2);
      return [l2, scale(pick(l2))];
    },
    { threads, flatIntermediates: true } as never,
  ) as unknown as Pipeline;
  return { gpu, pipeline };
}

function inputs(run: number): [Float32Array, Float32Array] {
  const a = Float32Array.from({ length: N }, (_, i) => ((i * 7 + run * 13) % 101) / 50 - 1);
  const b = Float32Array.from({ length: M }, (_, i) => (i - 8 + run) / 4);
  return [a, b];
}

// a pool of one worker has nothing to share out
describe.skipIf(!WebAssemblyKernel.isThreadsSupported || defaultConcurrency() < 2)('fused-threaded schedule', () => {
  it('shares the long steps, runs the short ones on one worker between fewer barriers, and gives one thread’s values on every run', async () => {
    const one = build(false);
    const threaded = build(true);
    try {
      for (let run = 0; run < 5; run++) {
        const [a, b] = inputs(run);
        const expected = await one.pipeline(a, b);
        const got = await threaded.pipeline(a, b);
        expect(threaded.pipeline.executorKind).toBe('fused-threaded');
        expect(got.length).toBe(2);
        expect(Array.from(got[1])).toEqual(Array.from(expected[1]));
        expect(got[0]).toEqual(expected[0]);
        const schedule = threaded.pipeline.threadSchedule();
        // the first two runs are the measured ones, on the calling thread; the second sets the schedule
        if (run === 0) expect(schedule).toBeNull();
        else {
          expect(schedule).not.toBeNull();
          // 7 steps (long, pick, scale, scale, long, pick, scale): the two long ones shared, the
          // five short ones on one worker; a barrier after the first long step, before and after
          // the second, and at the end: 4, none between the short ones
          expect(schedule).toEqual({ steps: 7, shared: 2, barriers: 4, workers: schedule!.workers });
          expect(schedule!.workers).toBeGreaterThan(1);
        }
      }
      expect(one.pipeline.threadSchedule()).toBeNull();
    } finally {
      await one.pipeline.destroy();
      await threaded.pipeline.destroy();
      one.gpu.destroy();
      threaded.gpu.destroy();
    }
  });

  it('runs plans of one process on one pool, at the same time, without waiting at each other’s barriers', async () => {
    const plans = [0, 1, 2].map((offset) => ({ one: build(false, offset), threaded: build(true, offset) }));
    try {
      for (let run = 0; run < 5; run++) {
        const [a, b] = inputs(run);
        // every plan's run is in flight at once: their messages reach the workers in one order
        const got = await Promise.all(plans.map((p) => p.threaded.pipeline(a, b)));
        for (let i = 0; i < plans.length; i++) {
          const expected = await plans[i].one.pipeline(a, b);
          expect(got[i][0]).toEqual(expected[0]);
          expect(Array.from(got[i][1])).toEqual(Array.from(expected[1]));
        }
      }
      const pools = new Set(plans.map((p) => p.threaded.pipeline.pipeline._executor.pool));
      expect(pools.size).toBe(1);
      expect(sharedWorkerCount()).toBeLessThanOrEqual(defaultConcurrency());
      // a destroyed plan leaves the pool to the others
      await plans[0].threaded.pipeline.destroy();
      const [a, b] = inputs(9);
      const [got, expected] = [await plans[1].threaded.pipeline(a, b), await plans[1].one.pipeline(a, b)];
      expect(got[0]).toEqual(expected[0]);
      expect(plans[1].threaded.pipeline.executorKind).toBe('fused-threaded');
    } finally {
      for (const p of plans) {
        await p.one.pipeline.destroy();
        await p.threaded.pipeline.destroy();
        p.one.gpu.destroy();
        p.threaded.gpu.destroy();
      }
    }
  });
});
