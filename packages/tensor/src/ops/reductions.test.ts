// Reductions: sum, mean, max, min over one axis, several, or all, with and without keepDims,
// against float64 references (tolerances in reference.test-helpers.ts), on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { tensor, type Axes, type Tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import { distinct, expectClose, expectGradcheck, refReduce, seeded, toleranceFor, type ReduceKind } from './reference.test-helpers.js';

const reductions: Record<ReduceKind, (x: Tensor, axes?: Axes, keepDims?: boolean) => Tensor> = {
  sum: ops.sum,
  mean: ops.mean,
  max: ops.max,
  min: ops.min,
};

// (shape, axes) cases: all axes, one, negative, several (adjacent and not), size-1 dimensions, odd sizes.
const cases: Array<[number[], Axes]> = [
  [[7], undefined],
  [[7], 0],
  [[3, 5], undefined],
  [[3, 5], 0],
  [[3, 5], 1],
  [[3, 5], -1],
  [[2, 3, 4], [0, 2]],
  [[2, 3, 4], [1, 2]],
  [[2, 3, 4], [-1, 0, 1]],
  [[1, 3, 1], 1],
  [[1, 3, 1], [0, 2]],
  [[2, 1, 3, 2], [1, 3]],
  [[1], undefined],
  [[4, 1], 1],
];

describeEachBackend('reductions', (backend) => {
  const tol = toleranceFor(backend);

  for (const kind of Object.keys(reductions) as ReduceKind[]) {
    it(`${kind}: forward over axes, with and without keepDims`, async () => {
      for (const [n, [shape, axes]] of cases.entries()) {
        const [x, rx] = seeded(shape, 100 + n);
        for (const keepDims of [false, true]) {
          await expectClose(reductions[kind](x, axes, keepDims), refReduce(rx, axes, keepDims, kind), tol, `${kind} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)} keepDims ${keepDims}`);
        }
      }
    });

    it(`${kind}: method form and default (all axes) give a scalar`, async () => {
      const [x, rx] = seeded([2, 3], 1);
      const y = x[kind]();
      expect(y.shape).toEqual([]);
      await expectClose(y, refReduce(rx, undefined, false, kind), tol);
    });

    it(`${kind}: gradient by finite differences`, async () => {
      // Distinct values spaced 0.1 apart: max / min have no near-ties within the step.
      const make = (shape: number[], seed: number): Tensor => (kind === 'max' || kind === 'min' ? distinct(shape, seed, { requiresGrad: true })[0] : seeded(shape, seed, { requiresGrad: true })[0]);
      await expectGradcheck((t) => reductions[kind](t, 1), [make([2, 3, 4], 2)]);
      await expectGradcheck((t) => reductions[kind](t, [0, 2], true), [make([2, 3, 4], 3)]);
      await expectGradcheck((t) => reductions[kind](t), [make([3, 5], 4)]);
      await expectGradcheck((t) => reductions[kind](t, -1, true), [make([5, 1], 5)]);
    });
  }

  for (const kind of ['max', 'min'] as const) {
    it(`${kind}: on ties over one axis the whole gradient goes to the first extreme`, async () => {
      const v = kind === 'max' ? 3 : -3;
      const x = tensor([[v, 1, v], [0, v, v]], undefined, { requiresGrad: true });
      reductions[kind](x, 1).sum().backward();
      expect(Array.from(await x.grad!.data())).toEqual([1, 0, 0, 0, 1, 0]);
      x.grad = null;
      // Along axis 0 of the same values.
      reductions[kind](x, 0).sum().backward();
      expect(Array.from(await x.grad!.data())).toEqual([1, 0, 1, 0, 1, 0]);
    });

    it(`${kind}: on ties over several axes the gradient still sums to g (one position per group)`, async () => {
      const v = kind === 'max' ? 3 : -3;
      const x = tensor([[v, 1, v], [0, v, v]], undefined, { requiresGrad: true });
      reductions[kind](x).backward();
      const grad = Array.from(await x.grad!.data());
      expect(grad.reduce((s, g) => s + g, 0)).toBe(1);
      expect(grad).toEqual([1, 0, 0, 0, 0, 0]);
      // Several axes of a rank-3 tensor, keeping the middle one.
      const y = tensor([v, v, 0, 1, 0, v, v, 0], [2, 2, 2], { requiresGrad: true });
      reductions[kind](y, [0, 2]).sum().backward();
      // Group of middle index 0: positions 0, 1, 4, 5 → first hit 0; middle index 1: 2, 3, 6, 7 → first hit 6.
      expect(Array.from(await y.grad!.data())).toEqual([1, 0, 0, 0, 0, 0, 1, 0]);
    });
  }

  it('mean divides by the size of the reduced axes only', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(await ops.mean(x, 0).data())).toEqual([2.5, 3.5, 4.5]);
    expect(Array.from(await ops.mean(x, 1).data())).toEqual([2, 5]);
    expect(await ops.mean(x).item()).toBe(3.5);
  });

  it('sum of a size-1 axis is the identity; keepDims keeps rank', async () => {
    const [x, rx] = seeded([3, 1, 2], 7);
    const y = ops.sum(x, 1, true);
    expect(y.shape).toEqual([3, 1, 2]);
    await expectClose(y, rx, tol);
  });
});
