/**
 * `immutableArguments`: a pipeline reads its argument arrays at execution instead of copying
 * them at the call — the array a queued call was given is the array its plan reads — while the
 * default still samples the arguments at the call.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

describe('createPipeline with immutableArguments', () => {
  for (const immutableArguments of [false, true]) {
    it(`${immutableArguments ? 'reads arguments at execution' : 'copies arguments at the call'} (immutableArguments ${immutableArguments})`, async () => {
      const gpu = new GPU({ mode: 'webasm' });
      const double = gpu.createKernel(
        function (a: Float32Array) {
          return a[this.thread.x] * 2;
        },
        { output: [4] },
      );
      const pipeline = gpu.createPipeline(
        function (a: unknown) {
          return double(a);
        },
        { threads: false, immutableArguments } as never,
      );
      const input = Float32Array.of(1, 2, 3, 4);
      // the call queues (calls run asynchronously, in order); the change lands before it runs
      const call = pipeline(input);
      input[0] = 10;
      const result = (await call) as Float32Array;
      expect(Array.from(result)).toEqual(immutableArguments ? [20, 4, 6, 8] : [2, 4, 6, 8]);
      gpu.destroy();
    });
  }
});
