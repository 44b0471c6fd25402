// Matrix products: matmul (batched, transposed operands, a shared 2-D operand) and groupedMatmul,
// against float64 references (tolerances in reference.test-helpers.ts), on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { describeEachBackend } from '../testing.js';
import { expectClose, expectGradcheck, ints, ref, storedShape as stored, transposeFlags as flags, refGroupedMatmul, refMatmul, refTranspose, seeded, toleranceFor } from './reference.test-helpers.js';


describeEachBackend('matmul', (backend) => {
  const tol = toleranceFor(backend);

  it('2-D products of odd sizes, size-1 dimensions and one element', async () => {
    const cases: Array<[number, number, number]> = [
      [3, 4, 5],
      [1, 1, 1],
      [5, 1, 3],
      [1, 7, 1],
      [7, 3, 1],
      [2, 9, 2],
    ];
    for (const [n, [m, k, p]] of cases.entries()) {
      const [a, ra] = seeded([m, k], 300 + n);
      const [b, rb] = seeded([k, p], 400 + n);
      await expectClose(ops.matmul(a, b), refMatmul(ra, rb), tol, `[${m}, ${k}] × [${k}, ${p}]`);
    }
  });

  it('transposeA / transposeB in every combination, 2-D and batched', async () => {
    for (const [ta, tb] of flags) {
      for (const lead of [[], [3], [2, 2]]) {
        const [a, ra] = seeded(stored(lead, 3, 4, ta), 11);
        const [b, rb] = seeded(stored(lead, 4, 5, tb), 12);
        await expectClose(ops.matmul(a, b, { transposeA: ta, transposeB: tb }), refMatmul(ra, rb, ta, tb), tol, `lead ${JSON.stringify(lead)} ta ${ta} tb ${tb}`);
      }
    }
  });

  it('a shared 2-D operand on either side, with transposes', async () => {
    for (const [ta, tb] of flags) {
      const [a, ra] = seeded(stored([2, 3], 3, 4, ta), 13);
      const [w, rw] = seeded(stored([], 4, 2, tb), 14);
      await expectClose(ops.matmul(a, w, { transposeA: ta, transposeB: tb }), refMatmul(ra, rw, ta, tb), tol, `shared b, ta ${ta} tb ${tb}`);
      const [s, rs] = seeded(stored([], 2, 4, ta), 15);
      const [b, rb] = seeded(stored([3], 4, 5, tb), 16);
      await expectClose(ops.matmul(s, b, { transposeA: ta, transposeB: tb }), refMatmul(rs, rb, ta, tb), tol, `shared a, ta ${ta} tb ${tb}`);
    }
  });

  it('method form; transposeB equals transposing first', async () => {
    const [a, ra] = seeded([2, 3], 17);
    const [b, rb] = seeded([4, 3], 18);
    await expectClose(a.matmul(b, { transposeB: true }), refMatmul(ra, refTranspose(rb)), tol);
    await expectClose(a.matmul(ops.transpose(b)), refMatmul(ra, refTranspose(rb)), tol);
  });

  it('a longer inner dimension (accumulation in float32)', async () => {
    const [a, ra] = seeded([3, 257], 19);
    const [b, rb] = seeded([257, 2], 20);
    await expectClose(ops.matmul(a, b), refMatmul(ra, rb), { rtol: 10 * tol.rtol, atol: 10 * tol.atol }, 'k = 257');
  });

  it('a larger batched product with a shared operand', async () => {
    const [a, ra] = seeded([4, 130, 70], 29);
    const [b, rb] = seeded([70, 33], 30);
    await expectClose(ops.matmul(a, b), refMatmul(ra, rb), { rtol: 10 * tol.rtol, atol: 10 * tol.atol }, '[4, 130, 70] × [70, 33]');
  });

  it('gradient: batched, every transpose combination', async () => {
    for (const [ta, tb] of flags) {
      const [a] = seeded(stored([2], 2, 3, ta), 21, { requiresGrad: true });
      const [b] = seeded(stored([2], 3, 2, tb), 22, { requiresGrad: true });
      await expectGradcheck((x, y) => ops.matmul(x, y, { transposeA: ta, transposeB: tb }), [a, b]);
    }
  });

  it('gradient: shared 2-D operand (summed over the batch), every transpose combination', async () => {
    for (const [ta, tb] of flags) {
      const [a] = seeded(stored([2, 2], 2, 3, ta), 23, { requiresGrad: true });
      const [w] = seeded(stored([], 3, 2, tb), 24, { requiresGrad: true });
      await expectGradcheck((x, y) => ops.matmul(x, y, { transposeA: ta, transposeB: tb }), [a, w]);
      const [s] = seeded(stored([], 2, 3, ta), 25, { requiresGrad: true });
      const [b] = seeded(stored([3], 3, 2, tb), 26, { requiresGrad: true });
      await expectGradcheck((x, y) => ops.matmul(x, y, { transposeA: ta, transposeB: tb }), [s, b]);
    }
  });

  it('gradient flows to one operand only when the other needs none', async () => {
    const [a] = seeded([2, 3], 27, { requiresGrad: true });
    const [b] = seeded([3, 2], 28);
    await expectGradcheck((x) => ops.matmul(x, b), [a]);
    expect(b.grad).toBeNull();
  });
});

describeEachBackend('groupedMatmul', (backend) => {
  const tol = toleranceFor(backend);

  it('rows in any group order, an empty group, one row, and one group', async () => {
    const [x, rx] = seeded([5, 3], 30);
    const [w, rw] = seeded([4, 3, 2], 31);
    const groups = [2, 0, 2, 1, 0]; // group 3 receives no rows
    const [g] = ints(groups);
    await expectClose(ops.groupedMatmul(x, w, g), refGroupedMatmul(rx, rw, groups), tol, 'unsorted groups');
    const [x1, rx1] = seeded([1, 3], 32);
    const [g1] = ints([3]);
    await expectClose(ops.groupedMatmul(x1, w, g1), refGroupedMatmul(rx1, rw, [3]), tol, 'one row');
    const [w1, rw1] = seeded([1, 3, 5], 33);
    const [g0] = ints([0, 0, 0, 0, 0]);
    await expectClose(ops.groupedMatmul(x, w1, g0), refGroupedMatmul(rx, rw1, [0, 0, 0, 0, 0]), tol, 'one group');
  });

  it('equals matmul with each row’s own weight', async () => {
    const [x, rx] = seeded([4, 3], 34);
    const [w, rw] = seeded([2, 3, 3], 35);
    const [g] = ints([1, 1, 0, 1]);
    const expected = refGroupedMatmul(rx, rw, [1, 1, 0, 1]);
    // Row 2 through matmul with w[0].
    const row = refMatmul(ref([1, 3], rx.data.slice(6, 9)), ref([3, 3], rw.data.slice(0, 9)));
    expect(expected.data.slice(6, 9)).toEqual(row.data);
    await expectClose(ops.groupedMatmul(x, w, g), expected, tol);
  });

  it('gradient: rows and weights, with an empty group', async () => {
    const [x] = seeded([5, 3], 36, { requiresGrad: true });
    const [w] = seeded([3, 3, 2], 37, { requiresGrad: true });
    const [g] = ints([2, 0, 2, 0, 2]);
    await expectGradcheck((a, b) => ops.groupedMatmul(a, b, g), [x, w]);
    // The empty group's weight gets an exact zero gradient.
    const grad = await w.grad!.data();
    expect(Array.from(grad.slice(6, 12))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
