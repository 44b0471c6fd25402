// Multi-tensor helpers: concatFlat, splitFlat and sumOfSquares against their definitions
// (values end to end; views of consecutive ranges; Σ x² in float64), on every backend,
// including sizes that do not fill the last partial sum.
import { expect, it } from 'vitest';
import { concatFlat, mul, splitFlat, sumOfSquares, tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import { seededValues } from './reference.test-helpers.js';

describeEachBackend('flat', () => {
  const shapes = [[3, 2], [5], [2, 2, 2], [1]];
  const arrays = shapes.map((shape, i) => seededValues(shape.reduce((a, b) => a * b, 1), 10 + i));

  it('concatFlat lays tensors end to end and splitFlat gives them back, also through a kernel', async () => {
    const tensors = shapes.map((shape, i) => mul(tensor(arrays[i], shape), 1)); // computed: asynchronous storage where the backend is
    const flat = concatFlat(tensors);
    expect(flat.shape).toEqual([20]);
    const expected = arrays.flatMap((a) => Array.from(a));
    expect(Array.from(await flat.data())).toEqual(expected);
    const doubled = splitFlat(mul(flat, 2), shapes);
    for (let i = 0; i < shapes.length; i++) {
      expect(doubled[i].shape).toEqual(shapes[i]);
      expect(Array.from(await doubled[i].data())).toEqual(Array.from(arrays[i]).map((x) => Math.fround(2 * x)));
    }
    expect(() => splitFlat(flat, [[3, 2], [5]])).toThrow(/shapes \[3, 2\], \[5\] hold 11 values; the flat tensor has 20/);
  });

  it('sumOfSquares is Σ x² over every value of every tensor, across partial sums', async () => {
    const big = seededValues(4096 * 2 + 37, 3); // three partial sums, the last one short
    const tensors = [tensor(big, [big.length]), ...shapes.map((shape, i) => tensor(arrays[i], shape))];
    let expected = 0;
    for (const a of [big, ...arrays]) for (const x of a) expected += x * x;
    const got = await sumOfSquares(tensors).item();
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-5);
    expect(await sumOfSquares([]).item()).toBe(0);
  });
});
