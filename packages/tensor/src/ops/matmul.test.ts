// matmul's two paths (direct, and the register-blocked `tiled` one that webasm and webgpu choose,
// forced here on cpu, webasm and webgpu so each checks the tiled algorithm), the automatic choice,
// finite-difference gradients through both, groupedMatmul's paths, and the gpu.js code-generator
// patch (in the vendored @smoe/gpu.js, packages/gpujs) against gpu.js's cpu backend on kernels that exercise each
// change. References are float64 loops over the same float32 inputs.
import { afterEach, describe, expect, it } from 'vitest';
import gpujs from '@smoe/gpu.js';
import type { BackendName } from '../backend.js';
import { gradcheck } from '../gradcheck.js';
import { Rng } from '../rng.js';
import { Tensor } from '../tensor.js';
import { describeEachBackend } from '../testing.js';
import { groupedMatmul, setGroupedMatmulPath, groupedMatmulPlan } from './grouped_matmul.js';
import { matmul, matmulPlan, setMatmulPath, type MatmulPath } from './matmul.js';
import { storedShape as stored, transposeFlags as flags } from './reference.test-helpers.js';

const { GPU } = gpujs;

// ------------------------------------------------------------------------------------ helpers

function values(n: number, seed: number): Float32Array {
  return new Rng(seed).uniformArray(n, -2, 2);
}

function input(shape: number[], seed: number, requiresGrad = false): Tensor {
  return new Tensor(values(shape.reduce((x, y) => x * y, 1), seed), shape, 'float32', requiresGrad);
}

/** float64 reference of matmul over stored operands (transposes and a shared 2-D operand). */
function reference(a: Tensor, b: Tensor, ta: boolean, tb: boolean, av: Float32Array, bv: Float32Array): Float64Array {
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const batches = (aLead.length ? aLead : bLead).reduce((x, y) => x * y, 1);
  const out = new Float64Array(batches * m * n);
  for (let t = 0; t < batches; t++) {
    const ao = aLead.length ? t * m * k : 0;
    const bo = bLead.length ? t * k * n : 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += av[ao + (ta ? q * m + i : i * k + q)] * bv[bo + (tb ? j * k + q : q * n + j)];
        out[(t * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

function tolerance(backend: BackendName): number {
  return backend === 'cpu' ? 1e-5 : 1e-4;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tol + tol * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= bound)) {
      expect.fail(`${label}: entry ${i} is ${got[i]}, expected ${want[i]} (±${bound})`);
    }
  }
}

async function checkProduct(aShape: number[], bShape: number[], ta: boolean, tb: boolean, tol: number, seed: number): Promise<void> {
  const a = input(aShape, seed);
  const b = input(bShape, seed + 1);
  const out = matmul(a, b, { transposeA: ta, transposeB: tb });
  const want = reference(a, b, ta, tb, (await a.data()) as Float32Array, (await b.data()) as Float32Array);
  expectClose(await out.data(), want, tol, `${JSON.stringify(aShape)}${ta ? 'ᵀ' : ''} × ${JSON.stringify(bShape)}${tb ? 'ᵀ' : ''}`);
}


// --------------------------------------------------------------------------------- matmul paths

describeEachBackend('matmul paths', (backend) => {
  const tol = tolerance(backend);
  afterEach(() => setMatmulPath(null));

  for (const path of ['direct', 'tiled'] as MatmulPath[]) {
    it(`${path}: every M mod 4, N around the SIMD width, odd K, all transposes`, async () => {
      setMatmulPath(path);
      let seed = 1;
      for (const m of [4, 5, 6, 7, 8, 13]) {
        for (const [n, k] of [
          [4, 1],
          [5, 3],
          [9, 17],
          [16, 8],
        ]) {
          for (const [ta, tb] of flags) {
            await checkProduct(stored([], m, k, ta), stored([], k, n, tb), ta, tb, tol, seed++);
          }
        }
      }
    });

    it(`${path}: batched, and a shared 2-D operand on either side`, async () => {
      setMatmulPath(path);
      let seed = 100;
      for (const [ta, tb] of flags) {
        await checkProduct(stored([3], 6, 5, ta), stored([3], 5, 8, tb), ta, tb, tol, seed++);
        await checkProduct(stored([2, 2], 9, 4, ta), stored([2, 2], 4, 5, tb), ta, tb, tol, seed++);
        await checkProduct(stored([2, 3], 7, 6, ta), stored([], 6, 4, tb), ta, tb, tol, seed++);
        await checkProduct(stored([], 5, 6, ta), stored([3], 6, 12, tb), ta, tb, tol, seed++);
      }
    });

    it(`${path}: thin shapes (M < 4 takes the row kernel alone, N < 4 the direct kernel)`, async () => {
      setMatmulPath(path);
      let seed = 200;
      for (const [m, k, n] of [
        [1, 5, 7],
        [3, 4, 9],
        [2, 33, 16],
        [8, 6, 3],
        [2, 1, 1],
      ]) {
        for (const [ta, tb] of flags) {
          await checkProduct(stored([], m, k, ta), stored([], k, n, tb), ta, tb, tol, seed++);
        }
        await checkProduct(stored([3], m, k, false), stored([], k, n, false), false, false, tol, seed++);
      }
      // empty products and K = 0
      expect(Array.from(await matmul(input([0, 3], 1), input([3, 4], 2)).data())).toEqual([]);
      expect(Array.from(await matmul(new Tensor(new Float32Array(0), [4, 0]), new Tensor(new Float32Array(0), [0, 5])).data())).toEqual(new Array(20).fill(0));
    });

    it(`${path}: gradients match finite differences (transposes, batches, shared operands)`, async () => {
      setMatmulPath(path);
      const cases: Array<[number[], number[], boolean, boolean]> = [
        [[5, 4], [4, 6], false, false],
        [[4, 5], [6, 4], true, true],
        [[2, 5, 4], [4, 6], false, false],
        [[3, 2, 4], [6, 4], false, true],
        [[2, 4, 5], [4, 6], true, false],
        [[5, 4], [2, 6, 4], false, true],
        [[2, 4, 5], [2, 4, 6], true, false],
      ];
      let seed = 300;
      for (const [as, bs, ta, tb] of cases) {
        const a = input(as, seed++, true);
        const b = input(bs, seed++, true);
        const result = await gradcheck((x, y) => matmul(x, y, { transposeA: ta, transposeB: tb }), [a, b]);
        expect(result.ok, `${JSON.stringify(as)} ${ta} × ${JSON.stringify(bs)} ${tb}: ${JSON.stringify(result.worst)}`).toBe(true);
      }
    });
  }

  it('the automatic choice: tiled for N ≥ 4 from 512 multiply-adds on webasm, 2^17 on webgpu; direct elsewhere', async () => {
    const least = backend === 'webasm' ? 512 : backend === 'webgpu' ? 1 << 17 : Infinity;
    const expected = (m: number, n: number, k: number): MatmulPath => (n >= 4 && m * n * k >= least ? 'tiled' : 'direct');
    for (const [m, n, k] of [
      [64, 48, 40],
      [67, 33, 41],
      [8, 8, 8],
      [4, 4, 4],
      [3, 256, 256],
      [256, 3, 256],
    ]) {
      expect(matmulPlan(m, n, k), `${m}×${k}×${n}`).toBe(expected(m, n, k));
    }
    let seed = 400;
    for (const [ta, tb] of flags) {
      await checkProduct(stored([], 67, 41, ta), stored([], 41, 33, tb), ta, tb, tol, seed++);
      await checkProduct(stored([2], 64, 40, ta), stored([], 40, 48, tb), ta, tb, tol, seed++);
    }
  });

  it('a larger product agrees with the direct kernel on the same backend', async () => {
    const a = input([130, 96], 500);
    const b = input([96, 72], 501);
    setMatmulPath('tiled');
    const tiled = await matmul(a, b).data();
    setMatmulPath('direct');
    const direct = await matmul(a, b).data();
    expectClose(tiled, direct, 1e-5, `tiled vs direct on ${backend}`);
  });
});

// ------------------------------------------------------------------------------ groupedMatmul

function groupedReference(xv: Float32Array, wv: Float32Array, group: number[], k: number, n: number): Float64Array {
  const out = new Float64Array(group.length * n);
  for (let p = 0; p < group.length; p++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += xv[p * k + q] * wv[(group[p] * k + q) * n + j];
      out[p * n + j] = s;
    }
  }
  return out;
}

describeEachBackend('groupedMatmul paths', (backend) => {
  const tol = tolerance(backend);
  afterEach(() => setGroupedMatmulPath(null));

  for (const path of ['direct', 'tiled'] as const) {
    it(`${path}: unsorted rows, empty groups, ragged group sizes`, async () => {
      setGroupedMatmulPath(path);
      let seed = 600;
      for (const [rows, k, n, groups] of [
        [13, 5, 8, 3],
        [9, 4, 7, 4],
        [32, 16, 12, 5],
        [3, 6, 4, 2],
      ]) {
        const rng = new Rng(seed);
        const group = Array.from({ length: rows }, () => rng.int(groups));
        group[0] = groups - 1; // not sorted
        const x = input([rows, k], seed++);
        const w = input([groups, k, n], seed++);
        const g = new Tensor(Float32Array.from(group), [rows], 'int32');
        const want = groupedReference((await x.data()) as Float32Array, (await w.data()) as Float32Array, group, k, n);
        expectClose(await groupedMatmul(x, w, g).data(), want, tol, `${rows}×${k} by ${groups}×${k}×${n}`);
      }
    });

    it(`${path}: gradients match finite differences (K a multiple of 4 or not)`, async () => {
      setGroupedMatmulPath(path);
      const g = new Tensor(Float32Array.from([2, 0, 2, 1, 0, 2, 2]), [7], 'int32');
      for (const [k, seed] of [
        [4, 700],
        [5, 710],
      ]) {
        const x = input([7, k], seed, true);
        const w = input([3, k, 5], seed + 1, true);
        const result = await gradcheck((a, b) => groupedMatmul(a, b, g), [x, w]);
        expect(result.ok, `K ${k}: ${JSON.stringify(result.worst)}`).toBe(true);
      }
    });

    it(`${path}: gradients with K and N multiples of 4 (the tiled path's quad-packed dw), an empty group`, async () => {
      setGroupedMatmulPath(path);
      const g = new Tensor(Float32Array.from([2, 0, 2, 1, 0, 2, 2, 0, 2]), [9], 'int32');
      const x = input([9, 8], 730, true);
      const w = input([4, 8, 12], 731, true);
      const result = await gradcheck((a, b) => groupedMatmul(a, b, g), [x, w]);
      expect(result.ok, JSON.stringify(result.worst)).toBe(true);
    });
  }

  it('the automatic choice', () => {
    expect(groupedMatmulPlan(256, 128, 128)).toBe(backend === 'webasm' || backend === 'webgpu' ? 'tiled' : 'direct');
    expect(groupedMatmulPlan(4, 4, 4)).toBe('direct');
  });
});

// -------------------------------------------------------------- the gpu.js webasm codegen patch

/**
 * Each kernel runs on gpu.js's cpu backend (plain JavaScript) and on webasm, synchronously (the
 * SIMD body over 4-cell quads plus the scalar body for ragged row tails) and under the async
 * contract (the worker pool, for outputs of 4096 cells or more). They must agree.
 */
describe('gpu.js webasm code generator patch (vs the cpu backend)', () => {
  type Source = (this: { thread: { x: number; y: number; z: number }; constants: Record<string, number> }, ...args: Float32Array[]) => number | number[];
  const created: Array<InstanceType<typeof GPU>> = [];
  const gpu = (mode: string) => {
    const g = new GPU({ mode } as never);
    created.push(g);
    return g;
  };

  /** Runs `source` on cpu and webasm with float constants and with integer constants (strictIntegers). */
  async function agree(source: Source, output: number[], args: Float32Array[], constants: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
    for (const strictIntegers of [false, true]) {
      await agreeOnce(source, output, args, constants, { strictIntegers, ...extra });
    }
  }

  async function agreeOnce(source: Source, output: number[], args: Float32Array[], constants: Record<string, number>, extra: Record<string, unknown>) {
    const settings = { output, constants, precision: 'single', tactic: 'precision', loopMaxIterations: 1 << 20, ...extra };
    const flat = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.from(v as ArrayLike<unknown>).flatMap(flat));
    const cpu = flat(gpu('cpu').createKernel(source as never, settings as never)(...args));
    for (const asyncMode of [false, true]) {
      const kernel = gpu('webasm').createKernel(source as never, { ...settings, asyncMode } as never);
      const got = flat(await kernel(...args));
      expect(got.length).toBe(cpu.length);
      for (let i = 0; i < cpu.length; i++) {
        const bound = 1e-5 + 1e-5 * Math.abs(cpu[i]);
        if (!(Math.abs(got[i] - cpu[i]) <= bound)) {
          expect.fail(`webasm${asyncMode ? ' (async)' : ''} cell ${i}: ${got[i]} vs cpu ${cpu[i]} (${source.name})`);
        }
      }
      // the flatOutput setting returns the same numbers as one Float32Array
      const flatKernel = gpu('webasm').createKernel(source as never, { ...settings, asyncMode, flatOutput: true } as never);
      const raw = await flatKernel(...args);
      expect(raw).toBeInstanceOf(Float32Array);
      expect(Array.from(raw as Float32Array)).toEqual(got.map((v) => Math.fround(v)));
    }
  }

  afterEach(() => {
    for (const g of created.splice(0)) void g.destroy();
  });

  it('integer loop counters (a literal initialiser stays i32 on every walk)', async () => {
    function counters(this: any, a: Float32Array): number {
      let s = 0;
      let c = 0;
      for (let k = 0; k < this.constants.n; k++) {
        s += a[k] * (k + 0.5) + k / 3;
        if (a[k] > this.thread.x / 100) c++;
      }
      return s + c * 0.25 + (c % 3);
    }
    await agree(counters, [7], [values(40, 1)], { n: 40 });
    await agree(counters, [4100], [values(40, 2)], { n: 40 });
  });

  it('thread ids on 2-D and 3-D grids, ragged rows (scalar tails) included', async () => {
    function ids(this: any, a: Float32Array): number {
      return this.thread.x + 10 * this.thread.y + 100 * this.thread.z + a[this.thread.y];
    }
    await agree(ids, [5, 3, 2], [values(8, 3)]);
    await agree(ids, [8, 3, 2], [values(8, 4)]);
    await agree(ids, [64, 8, 9], [values(8, 5)]);
  });

  it('contiguous loads u + this.thread.x: in bounds, at the end, partly past the end, negative bases', async () => {
    function shifted(this: any, a: Float32Array): number {
      if (this.thread.x + this.constants.off >= 0 && this.thread.x + this.constants.off < this.constants.len) {
        return a[this.thread.y * this.constants.row + this.constants.off + this.thread.x];
      }
      return -7;
    }
    for (const off of [-5, -1, 0, 1, 2, 3, 6]) {
      await agree(shifted, [8, 3], [values(30, 6)], { off, len: 10, row: 10 });
      await agree(shifted, [7, 3], [values(30, 7)], { off, len: 10, row: 10 });
    }
    function swapped(this: any, a: Float32Array, b: Float32Array): number {
      let s = 0;
      for (let k = 0; k < this.constants.k; k++) {
        s += this.thread.x + a[k * this.constants.n + this.thread.x] * b[this.thread.x + k * this.constants.n];
      }
      return s;
    }
    await agree(swapped, [12], [values(60, 8), values(60, 9)], { k: 5, n: 12 });
    // tiny arrays (fewer than 4 values) never take the vector load
    function tiny(this: any, a: Float32Array): number {
      return a[0 + this.thread.x];
    }
    await agree(tiny, [3], [values(3, 10)]);
  });

  it('uniform loads splatted into vector arithmetic (v128.load32_splat), under masks too', async () => {
    function splat(this: any, a: Float32Array, b: Float32Array): number {
      let s = b[this.thread.y] * 2;
      if (this.thread.x % 3 === 1) {
        s += a[this.thread.y * 8 + this.thread.x] * b[this.thread.y + 1];
      } else {
        s -= b[this.thread.y + 2] + a[this.thread.x];
      }
      return s;
    }
    await agree(splat, [8, 5], [values(64, 11), values(8, 12)]);
    await agree(splat, [6, 5], [values(64, 13), values(8, 14)]);
  });

  it('helpers that read this.thread.x next to contiguous loads (the quad base is restored)', async () => {
    function kernelWithHelper(this: any, a: Float32Array): number {
      const before = a[this.constants.base + this.thread.x];
      const h = addThread(before);
      return h + a[this.constants.base + this.thread.x + 1] + this.thread.x * 0.5;
    }
    function addThread(this: any, v: number): number {
      return v * 2 + this.thread.x;
    }
    const settings = { functions: [addThread] };
    await agree(kernelWithHelper, [8], [values(20, 15)], { base: 3 }, settings);
    await agree(kernelWithHelper, [4096], [values(4200, 16)], { base: 3 }, settings);
  });

  it('constant index offsets: folded for provably non-negative bases only, same values either way', async () => {
    function offsets(this: any, a: Float32Array): number {
      let s = 0;
      for (let k = 0; k < this.constants.n; k++) {
        s += a[k + this.constants.c] * 2 + a[this.thread.x + k + 1];
      }
      // a counter the body also writes is no proof of a non-negative base
      for (let j = 0; j < 4; j++) {
        s += a[j + 6];
        j = j + 1;
      }
      // a subtraction is no proof either; (x - 2) + 3 is still a valid index here
      if (this.thread.x >= 2) {
        s += a[this.thread.x - 2 + 3];
      }
      return s;
    }
    await agree(offsets, [9], [values(40, 24)], { n: 12, c: 5 });
    await agree(offsets, [4100], [values(4200, 25)], { n: 12, c: 5 });
  });

  it('varying loop trip counts with break and continue', async () => {
    function loops(this: any, a: Float32Array): number {
      let s = 0;
      for (let k = 0; k < 20; k++) {
        if (k > this.thread.x % 7) break;
        if (k % 2 === 1) continue;
        s += a[k + this.thread.x];
      }
      return s;
    }
    await agree(loops, [12], [values(40, 17)]);
  });

  it('Array(4) returns: register-blocked products, flat output interleaved per cell', async () => {
    function tile(this: any, a: Float32Array, b: Float32Array): number[] {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < this.constants.k; k++) {
        const bv = b[k * this.constants.n + this.thread.x];
        s0 += a[this.thread.y * this.constants.k4 + k] * bv;
        s1 += a[this.thread.y * this.constants.k4 + k + this.constants.k] * bv;
        s2 += a[this.thread.y * this.constants.k4 + k + this.constants.k2] * bv;
        s3 += a[this.thread.y * this.constants.k4 + k + this.constants.k3] * bv;
      }
      return [s0, s1, s2, s3];
    }
    const k = 9;
    const n = 10;
    const constants = { k, n, k2: 2 * k, k3: 3 * k, k4: 4 * k };
    await agree(tile, [n, 3], [values(12 * k, 18), values(k * n, 19)], constants);
    await agree(tile, [64, 20], [values(80 * k, 20), values(k * 64, 21)], { ...constants, n: 64 });
  });

  it('the optimisations engage: contiguous v128.load and v128.load32_splat in the tile kernel', () => {
    function tile(this: any, a: Float32Array, b: Float32Array): number[] {
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < this.constants.k; k++) {
        const bv = b[k * this.constants.n + this.thread.x];
        s0 += a[this.thread.y * this.constants.k2 + k] * bv;
        s1 += a[this.thread.y * this.constants.k2 + k + this.constants.k] * bv;
      }
      return [s0, s1, 0, 0];
    }
    const kernel = gpu('webasm').createKernel(tile as never, { output: [8, 2], constants: { k: 4, n: 8, k2: 8 }, strictIntegers: true, flatOutput: true } as never);
    kernel(values(16, 22), values(32, 23));
    const bytes = Array.from((kernel as unknown as { kernel: { _active: { bytes: Uint8Array } } }).kernel._active.bytes);
    const has = (...seq: number[]) => bytes.some((_, i) => seq.every((v, j) => bytes[i + j] === v));
    expect(has(0xfd, 0x00, 0x02), 'v128.load (align 4 bytes)').toBe(true);
    expect(has(0xfd, 0x09, 0x02), 'v128.load32_splat').toBe(true);
  });
});
