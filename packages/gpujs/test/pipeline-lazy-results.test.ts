/**
 * `lazyResults`: the fused webasm executor hands step results back as functions that copy the
 * values out of wasm memory when called, so a caller that keeps many outputs and reads a few
 * copies only those; a result read after the plan ran again throws instead of returning the
 * new run's values.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

describe('createPipeline with lazyResults', () => {
  for (const threads of [false, true]) {
    it(`returns readers of each kept step, valid until the next run (threads ${threads})`, async () => {
      // the pool takes a plan only when its steps are large enough to share out
      const n = threads ? 1 << 16 : 4;
      const head = (values: Float32Array) => Array.from(values.subarray(0, 4));
      const input = (first: number) => Float32Array.from({ length: n }, (_, i) => first + i);
      const gpu = new GPU({ mode: 'webasm' });
      const double = gpu.createKernel(
        function (a: Float32Array) {
          return a[this.thread.x] * 2;
        },
        { output: [n], asyncMode: threads } as never,
      );
      const addOne = gpu.createKernel(
        function (a: Float32Array) {
          return a[this.thread.x] + 1;
        },
        { output: [n], asyncMode: threads } as never,
      );
      const pipeline = gpu.createPipeline(
        function (a: unknown) {
          const d = double(a);
          return [d, addOne(d)];
        },
        { threads, flatIntermediates: true, immutableArguments: true, lazyResults: true } as never,
      );
      const [d, e] = (await pipeline(input(1))) as Array<() => Float32Array>;
      expect((pipeline as unknown as { executorKind: string }).executorKind).toBe(threads ? 'fused-threaded' : 'fused-sync');
      expect(typeof d).toBe('function');
      expect(head(e())).toEqual([3, 5, 7, 9]);
      expect(head(d())).toEqual([2, 4, 6, 8]);
      expect(d()[n - 1]).toBe(2 * n);
      // each call copies: changing one copy leaves the plan's buffer alone
      d()[0] = 100;
      expect(d()[0]).toBe(2);
      const [d2] = (await pipeline(input(5))) as Array<() => Float32Array>;
      expect(() => d()).toThrow(/read after its plan ran again/);
      expect(head(d2())).toEqual([10, 12, 14, 16]);
      gpu.destroy();
    });
  }

  it('without lazyResults the results are the values themselves', async () => {
    const gpu = new GPU({ mode: 'webasm' });
    const double = gpu.createKernel(
      function (a: Float32Array) {
        return a[this.thread.x] * 2;
      },
      { output: [2] },
    );
    const pipeline = gpu.createPipeline(
      function (a: unknown) {
        return double(a);
      },
      { threads: false, flatIntermediates: true } as never,
    );
    expect(Array.from((await pipeline(Float32Array.of(1, 2))) as Float32Array)).toEqual([2, 4]);
    gpu.destroy();
  });
});
