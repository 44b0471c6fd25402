/**
 * Math.exp in webasm kernels runs in wasm (no call out to JS per element): within 2 ulp of
 * fround(Math.exp(x)) over the whole f32 range, exactly 0, Infinity and NaN where JS gives
 * them, subnormal results rounded near JS's — on the SIMD path and on the scalar path (a row
 * whose width is not a multiple of 4 ends in scalar cells).
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

/** Distance in units in the last place between two finite f32 of the same sign. */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(bits[0] - bits[1]);
}

describe('Math.exp on webasm', () => {
  it('is within 2 ulp of fround(Math.exp(x)), exact at 0, Infinity and NaN, on SIMD and scalar cells', () => {
    const special = [0, -0, 1, -1, 88.72, 88.7228, 88.73, 89, 100, 1e30, Infinity, -87.3, -87.34, -100, -103.9, -104, -110, -1e30, -Infinity, NaN, 1e-8, -1e-8, 0.34657359, -0.34657359];
    const grid = Array.from({ length: 20000 }, (_, i) => -110 + (205 * i) / 19999);
    const values = [...special, ...grid, ...special.slice(0, 3)];
    // a width of 4k + 3: the last three cells run on the scalar path
    const width = values.length + ((3 - (values.length % 4) + 4) % 4);
    const input = new Float32Array(width);
    input.set(values);
    input.set(special.slice(0, 3), width - 3);
    const gpu = new GPU({ mode: 'webasm' });
    const exp = gpu.createKernel(
      function (a: Float32Array) {
        return Math.exp(a[this.thread.x]);
      },
      { output: [width] },
    );
    const got = exp(input) as Float32Array;
    let worst = 0;
    for (let i = 0; i < width; i++) {
      const want = Math.fround(Math.exp(input[i]));
      const x = input[i];
      if (Number.isNaN(want)) expect(got[i], `exp(${x})`).toBeNaN();
      else if (want === 0 || want === Infinity) expect(got[i], `exp(${x})`).toBe(want);
      else if (want < 1.1754943508222875e-38) expect(Math.abs(got[i] - want), `exp(${x})`).toBeLessThanOrEqual(2 * 1.401298464324817e-45);
      else {
        const d = ulps(got[i], want);
        worst = Math.max(worst, d);
        expect(d, `exp(${x}) = ${got[i]}, JS ${want}`).toBeLessThanOrEqual(2);
      }
    }
    expect(got[0]).toBe(1); // e^0 exactly
    // computed in wasm: the module imports no Math function
    expect(Array.from((exp as unknown as { kernel: { usedMathImports: Set<string> } }).kernel.usedMathImports)).toEqual([]);
    expect(worst).toBeLessThanOrEqual(2);
    gpu.destroy();
  });
});
