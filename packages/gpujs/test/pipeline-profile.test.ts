/**
 * `profile`: the fused-sync webasm executor times every step of every run; `stepProfile()` gives
 * one entry per step in plan order (the kernel's function name, its output size, the time summed
 * over the runs, the run count). Without `profile`, or where a run is not walked step by step on
 * the calling thread, it is null.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

function plan(profile: boolean) {
  const gpu = new GPU({ mode: 'webasm' });
  const double = gpu.createKernel(
    function doubleKernel(a: Float32Array) {
      return a[this.thread.x] * 2;
    },
    { output: [8] },
  );
  const sum = gpu.createKernel(
    function sumKernel(a: Float32Array) {
      let s = 0;
      for (let i = 0; i < 8; i++) s += a[i];
      return s + this.thread.x;
    },
    { output: [2] },
  );
  const pipeline = gpu.createPipeline(
    function (a: unknown) {
      return sum(double(a));
    },
    { threads: false, profile } as never,
  );
  return { gpu, pipeline: pipeline as typeof pipeline & { stepProfile(): Array<{ step: number; kernel: string; output: number[]; ms: number; runs: number }> | null } };
}

describe('createPipeline with profile', () => {
  it('sums each step’s time over the runs, one entry per step in plan order', async () => {
    const { gpu, pipeline } = plan(true);
    expect(pipeline.stepProfile()).toBeNull(); // nothing has run
    const input = Float32Array.from({ length: 8 }, (_, i) => i);
    for (let run = 0; run < 3; run++) {
      expect(Array.from((await pipeline(input)) as Float32Array)).toEqual([56, 57]); // 2 · (0 + … + 7), + x
    }
    expect(pipeline.executorKind).toBe('fused-sync');
    const profile = pipeline.stepProfile()!;
    expect(profile.map(({ step, kernel, output, runs }) => ({ step, kernel, output, runs }))).toEqual([
      { step: 0, kernel: 'doubleKernel', output: [8], runs: 3 },
      { step: 1, kernel: 'sumKernel', output: [2], runs: 3 },
    ]);
    for (const { ms } of profile) expect(ms).toBeGreaterThanOrEqual(0);
    gpu.destroy();
  });

  it('is null without profile', async () => {
    const { gpu, pipeline } = plan(false);
    await pipeline(new Float32Array(8));
    expect(pipeline.executorKind).toBe('fused-sync');
    expect(pipeline.stepProfile()).toBeNull();
    gpu.destroy();
  });
});
