import { expect, it } from 'vitest';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Rng, arange, tensor, Tensor } from '@smoe/tensor';
import { FSQ, combineCodes, splitCodes } from './index.js';

const LEVELS = [3, 4, 5];
const SIZE = 60;

// Host inverse of the bound: an input whose bounded value is exactly grid value v·⌊L/2⌋.
function inputFor(values: Float32Array, levels: number[], epsilon = 1e-3): Float32Array {
  const d = levels.length;
  return values.map((v, i) => {
    const l = levels[i % d];
    const half = ((l - 1) * (1 + epsilon)) / 2;
    const offset = l % 2 === 0 ? 0.5 : 0;
    return Math.atanh((v * Math.floor(l / 2) + offset) / half) - Math.atanh(offset / half);
  });
}

describeEachBackend('FSQ', () => {
  it('every code decodes to a grid point that quantizes back to the same code', async () => {
    const fsq = new FSQ({ levels: LEVELS });
    expect(fsq.size).toBe(SIZE);
    const codes = arange(SIZE);
    const grid = (await fsq.decode(codes).data()) as Float32Array;
    // Grid values: digit·2/(L−1)-style steps of 1/⌊L/2⌋ in [−1, 1].
    grid.forEach((v, i) => {
      const l = LEVELS[i % 3];
      const digit = v * Math.floor(l / 2) + Math.floor(l / 2);
      expect(Math.abs(digit - Math.round(digit))).toBeLessThan(1e-5);
      expect(Math.round(digit)).toBeGreaterThanOrEqual(0);
      expect(Math.round(digit)).toBeLessThan(l);
    });
    // Digits follow the mixed radix, dimension 0 least significant.
    const digits = splitCodes(Array.from({ length: SIZE }, (_, i) => i), LEVELS);
    grid.forEach((v, i) => expect(Math.round(v * Math.floor(LEVELS[i % 3] / 2) + Math.floor(LEVELS[i % 3] / 2))).toBe(digits[i]));
    const result = await fsq.quantize(tensor(inputFor(grid, LEVELS), [SIZE, 3]), { training: true });
    expect(result.codes.shape).toEqual([SIZE]);
    expect(Array.from(result.codeIndex)).toEqual(Array.from({ length: SIZE }, (_, i) => i));
    const q = await result.quantized.data();
    grid.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 5));
    expect(result.perplexity).toBeCloseTo(SIZE, 3);
    expect(fsq.usage().deadFraction).toBe(0);
    expect(Array.from(combineCodes(digits, LEVELS))).toEqual(Array.from({ length: SIZE }, (_, i) => i));
  });

  it('random inputs: codes in range, values on the grid, zero losses', async () => {
    const fsq = new FSQ({ levels: [8, 5, 5, 5] });
    const x = tensor(new Rng(3).normalArray(40 * 4, 0, 2), [40, 4]);
    const result = await fsq.quantize(x);
    expect(result.codeIndex.every((c) => c >= 0 && c < 1000)).toBe(true);
    const decoded = await fsq.decode(result.codes).data();
    const q = await result.quantized.data();
    decoded.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 5));
    expect(await result.loss.item()).toBe(0);
  });

  it('gradient: straight through the rounding, through tanh of the bound', async () => {
    const fsq = new FSQ({ levels: [5, 4] });
    const xs = Float32Array.from([0.3, -0.2, 1.5, 0.1, -2, 0.7]);
    const x = tensor(xs, [3, 2], { requiresGrad: true });
    const { quantized } = await fsq.quantize(x);
    quantized.sum().backward();
    const grad = await x.grad!.data();
    xs.forEach((v, i) => {
      const l = [5, 4][i % 2];
      const half = ((l - 1) * 1.001) / 2;
      const shift = Math.atanh((l % 2 === 0 ? 0.5 : 0) / half);
      expect(grad[i]).toBeCloseTo((half * (1 - Math.tanh(v + shift) ** 2)) / Math.floor(l / 2), 4);
    });
  });

  it('projects other dimensions in and out with learned maps', async () => {
    const fsq = new FSQ({ levels: [5, 5, 5], dim: 6, seed: 2 });
    expect(fsq.parameters().length).toBe(2);
    const x = tensor(new Rng(4).normalArray(10 * 6), [10, 6]);
    const result = await fsq.quantize(x);
    expect(result.quantized.shape).toEqual([10, 6]);
    expect(result.codes.shape).toEqual([10]);
    const decoded = await fsq.decode(result.codes).data();
    const q = await result.quantized.data();
    decoded.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 4));
    result.quantized.sum().backward();
    expect(fsq.projectIn!.grad).not.toBeNull();
    expect(fsq.projectOut!.grad).not.toBeNull();
    expect(fsq.decode(new Tensor(Float32Array.of(0, 124), [2], 'int32')).shape).toEqual([2, 6]);
  });
});
