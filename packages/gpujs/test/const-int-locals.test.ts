/**
 * `const i = e | 0` (any bitwise initializer) in a webasm kernel is an int32 local, as in JS:
 * index arithmetic on it stays integral past 2^24 (an f32 local rounds 2^24 + 1 to 2^24), and a
 * load at `i + this.thread.x` with a lane-uniform `i` is one contiguous SIMD load. A `let` keeps
 * the float decay (it may be reassigned a fraction later), as do other integer initializers.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

describe('const bitwise locals on webasm', () => {
  it('hold int32 values exactly, as JS does, on SIMD and scalar cells', () => {
    const gpu = new GPU({ mode: 'webasm' });
    // 7 cells: one SIMD quad and 3 scalar cells
    const kernel = gpu.createKernel(
      function (a: Float32Array) {
        const big = ((a[0] | 0) + this.thread.x + 1) | 0; // 2^24 + 1 + x: not an f32 value for even x
        const low = big & 1;
        return big - 16777216 + low * 100;
      },
      { output: [7], strictIntegers: true },
    );
    const got = Array.from(kernel(Float32Array.of(16777216)) as Float32Array);
    // JS: big = 2^24 + 1 + x, low its parity
    const want = Array.from({ length: 7 }, (_, x) => {
      const big = (16777216 + x + 1) | 0;
      return big - 16777216 + (big & 1) * 100;
    });
    expect(got).toEqual(want);
    gpu.destroy();
  });

  it('index a row contiguously: the same values as the plain index, on every cell', () => {
    const gpu = new GPU({ mode: 'webasm' });
    const data = Float32Array.from({ length: 64 }, (_, i) => i * 0.5 - 3);
    const offsets = Float32Array.of(8, 20, 40);
    const viaConst = gpu.createKernel(
      function (d: Float32Array, o: Float32Array) {
        const base = o[this.thread.y] | 0;
        let s = 0;
        for (let t = 0; t < 3; t++) s += d[base + t * 4 + this.thread.x];
        return s;
      },
      { output: [6, 3], strictIntegers: true, flatOutput: true },
    );
    const got = Array.from(viaConst(data, offsets) as Float32Array);
    const want: number[] = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 6; x++) want.push([0, 1, 2].reduce((s, t) => Math.fround(s + data[offsets[y] + t * 4 + x]), 0));
    expect(got).toEqual(want);
    gpu.destroy();
  });
});
