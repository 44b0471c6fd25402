/**
 * `componentRows`: an Array(n) kernel's components written as n output rows per row of cells —
 * component c of thread (x, y, z) at ((z·Y + y)·n + c)·X + x — on the scalar and SIMD walks of
 * webasm (widths that are and are not multiples of 4, so both walks write), in a pipeline, and
 * refused by the cpu backend.
 */
import { describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';

const { GPU } = gpujs;

// thread (x, y, z) returns [v, v + 0.25, v + 0.5, v + 0.75] with v = x + 100·y + 10000·z
function quad(this: { thread: { x: number; y: number; z: number } }): number[] {
  const v = this.thread.x + 100 * this.thread.y + 10000 * this.thread.z;
  return [v, v + 0.25, v + 0.5, v + 0.75];
}

/** The rows layout computed by hand from the definition. */
function expected(X: number, Y: number, Z: number, early = -1): Float32Array {
  const out = new Float32Array(X * Y * Z * 4);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        for (let c = 0; c < 4; c++) {
          const v = x + 100 * y + 10000 * z;
          out[((z * Y + y) * 4 + c) * X + x] = x === early ? -1 : v + c * 0.25;
        }
      }
    }
  }
  return out;
}

describe('componentRows', () => {
  for (const [X, Y, Z] of [
    [8, 3, 2],
    [6, 5, 1],
    [12, 1, 3],
  ]) {
    it(`writes each component as a row on webasm, output [${X}, ${Y}, ${Z}]`, () => {
      const gpu = new GPU({ mode: 'webasm' });
      const k = gpu.createKernel(quad, { output: [X, Y, Z], componentRows: true, precision: 'single' } as never);
      expect(Array.from(k() as Float32Array)).toEqual(Array.from(expected(X, Y, Z)));
      gpu.destroy();
    });
  }

  it('keeps a divergent early return exact (masked SIMD stores)', () => {
    const gpu = new GPU({ mode: 'webasm' });
    const k = gpu.createKernel(
      function (this: { thread: { x: number; y: number; z: number } }) {
        if (this.thread.x === 5) {
          return [-1, -1, -1, -1];
        }
        const v = this.thread.x + 100 * this.thread.y + 10000 * this.thread.z;
        return [v, v + 0.25, v + 0.5, v + 0.75];
      },
      { output: [8, 2, 1], componentRows: true, precision: 'single' } as never,
    );
    expect(Array.from(k() as Float32Array)).toEqual(Array.from(expected(8, 2, 1, 5)));
    gpu.destroy();
  });

  it('feeds a flat reader in a fused pipeline', async () => {
    const gpu = new GPU({ mode: 'webasm' });
    const rows = gpu.createKernel(quad, { output: [8, 3], componentRows: true, precision: 'single' } as never);
    // reads row r of the [12][8] result
    const copy = gpu.createKernel(
      function (this: { thread: { x: number; y: number } }, a: Float32Array) {
        return a[this.thread.y * 8 + this.thread.x];
      },
      { output: [8, 12], precision: 'single' } as never,
    );
    const pipeline = gpu.createPipeline(
      function () {
        return copy(rows());
      },
      { threads: false, flatIntermediates: true } as never,
    ) as unknown as () => Promise<Float32Array>;
    const out = await pipeline();
    expect(Array.from(out)).toEqual(Array.from(expected(8, 3, 1)));
    gpu.destroy();
  });

  it('is refused by the cpu backend', () => {
    const gpu = new GPU({ mode: 'cpu' });
    const k = gpu.createKernel(quad, { output: [4, 2], componentRows: true } as never);
    expect(() => k()).toThrow(/componentRows is a webasm and webgpu setting/);
    gpu.destroy();
  });
});
