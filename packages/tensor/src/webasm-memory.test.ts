/**
 * @smoe/gpu.js's webasm kernels share one WebAssembly memory for their synchronous runs: a
 * browser caps the virtual reservations memories make (Chromium's V8 sandbox fits about a
 * hundred), and a model compiles a few hundred kernels. Sharing must be invisible: constant
 * arrays survive other kernels running in between, growth for a large kernel keeps the small
 * ones right, and threaded (shared-memory) runs keep their own memory.
 */
import gpujs from '@smoe/gpu.js';
import { describe, expect, it } from 'vitest';

const { GPU } = gpujs;
type Active = { _active: { memory: WebAssembly.Memory; common: boolean } };
const memoryOf = (kernel: unknown): WebAssembly.Memory => ((kernel as { kernel: Active }).kernel._active).memory;

describe('webasm kernels share one memory for synchronous runs', () => {
  const gpu = new GPU({ mode: 'webasm' } as never);
  function scaled(this: { thread: { x: number }; constants: { weights: number[] } }, a: number[]): number {
    return a[this.thread.x] * this.constants.weights[this.thread.x];
  }

  it('keeps each kernel\'s constant arrays when others ran in between, across growth', () => {
    const a = gpu.createKernel(scaled as never, { output: [4], constants: { weights: [1, 2, 3, 4] } } as never) as unknown as (x: number[]) => Float32Array;
    const b = gpu.createKernel(scaled as never, { output: [4], constants: { weights: [10, 20, 30, 40] } } as never) as unknown as (x: number[]) => Float32Array;
    const ones = [1, 1, 1, 1];
    expect(Array.from(a(ones))).toEqual([1, 2, 3, 4]);
    expect(Array.from(b(ones))).toEqual([10, 20, 30, 40]);
    expect(memoryOf(b)).toBe(memoryOf(a));
    // a kernel whose arrays need more pages than the memory has grows it (2 × 4 MB arguments)
    const n = 1 << 20;
    const big = gpu.createKernel(function (this: { thread: { x: number } }, x: number[], y: number[]) {
      return x[this.thread.x] + y[this.thread.x];
    } as never, { output: [n] } as never) as unknown as (x: Float32Array, y: Float32Array) => Float32Array;
    const sum = big(new Float32Array(n).fill(1), new Float32Array(n).fill(2));
    expect(sum[0] + sum[n - 1]).toBe(6);
    expect(memoryOf(big)).toBe(memoryOf(a));
    expect(Array.from(a([2, 2, 2, 2]))).toEqual([2, 4, 6, 8]);
    expect(Array.from(b([2, 2, 2, 2]))).toEqual([20, 40, 60, 80]);
  });

  it('hundreds of kernels make one memory, not hundreds', () => {
    const memories = new Set<WebAssembly.Memory>();
    for (let i = 0; i < 300; i++) {
      const k = gpu.createKernel(function (this: { thread: { x: number }; constants: { c: number } }, x: number[]) {
        return x[this.thread.x] + this.constants.c;
      } as never, { output: [8], constants: { c: i } } as never) as unknown as (x: number[]) => Float32Array;
      expect(k([0, 0, 0, 0, 0, 0, 0, 0])[7]).toBe(i);
      memories.add(memoryOf(k));
    }
    expect(memories.size).toBe(1);
  });

  it('threaded runs keep their own shared memory', async () => {
    const threaded = new GPU({ mode: 'webasm' } as never);
    const n = 1 << 14;
    const k = threaded.createKernel(function (this: { thread: { x: number } }, x: number[]) {
      return x[this.thread.x] * 2;
    } as never, { output: [n], asyncMode: true } as never) as unknown as (x: Float32Array) => Promise<Float32Array>;
    const out = await k(new Float32Array(n).fill(3));
    expect(out[n - 1]).toBe(6);
    const small = gpu.createKernel(scaled as never, { output: [4], constants: { weights: [1, 1, 1, 1] } } as never) as unknown as (x: number[]) => Float32Array;
    small([1, 1, 1, 1]);
    expect(memoryOf(k)).not.toBe(memoryOf(small));
    expect(memoryOf(k).buffer).toBeInstanceOf(SharedArrayBuffer);
    threaded.destroy();
  });
});
