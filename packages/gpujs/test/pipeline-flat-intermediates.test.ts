/**
 * `flatIntermediates`: a step that returns Array(4) per cell over a 2-D output feeds a later
 * step as one flat array, exactly as the flat result of calling the kernel directly — and the
 * webasm plan stays fused instead of falling back to the generic executor.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

describe('createPipeline with flatIntermediates', () => {
  for (const threads of [false, true]) {
    it(`feeds an Array(4), 2-D step to a flat reader on the fused webasm executor (threads ${threads})`, async () => {
      const gpu = new GPU({ mode: 'webasm' });
      // 2 × 4096 cells of 4 values: large enough for the threaded path
      const width = 4096;
      const quad = gpu.createKernel(
        function (a: Float32Array) {
          const i = (this.thread.y * this.constants.width + this.thread.x) * 4;
          return [a[i] + 1, a[i + 1] * 2, a[i + 2] - 3, a[i + 3] * a[i + 3]];
        },
        { output: [width, 2], constants: { width }, flatOutput: true } as never,
      );
      const scale = gpu.createKernel(
        function (q: Float32Array, s: Float32Array) {
          return q[this.thread.x] * s[0] + this.thread.x;
        },
        { output: [width * 8] },
      );
      const input = Float32Array.from({ length: width * 8 }, (_, i) => (i % 13) - 6);
      const factor = Float32Array.of(0.5);
      const pipeline = gpu.createPipeline(
        function (a: unknown, s: unknown) {
          return scale(quad(a), s);
        },
        { threads, flatIntermediates: true } as never,
      );
      const result = (await pipeline(input, factor)) as Float32Array;
      // the definition, by hand: component c of cell i maps input[4i + c]
      const expected = new Float32Array(width * 8);
      for (let i = 0; i < width * 2; i++) {
        const v = input.subarray(4 * i, 4 * i + 4);
        const q = [v[0] + 1, v[1] * 2, v[2] - 3, v[3] * v[3]];
        for (let c = 0; c < 4; c++) expected[4 * i + c] = q[c] * 0.5 + 4 * i + c;
      }
      expect(Array.from(result)).toEqual(Array.from(expected));
      expect(pipeline.fallbackReason).toBeNull();
      expect(pipeline.executorKind).toBe(threads ? 'fused-threaded' : 'fused-sync');
      gpu.destroy();
    });
  }
});
