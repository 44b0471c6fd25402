// Layout ops: broadcastTo, reshape, permute / transpose, slice, concat, splitHeads / mergeHeads,
// against float64 references (tolerances in reference.test-helpers.ts), on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import {
  expectClose,
  expectGradcheck,
  expectInts,
  ints,
  refBroadcastTo,
  refConcat,
  refMergeHeads,
  refPermute,
  refReshape,
  refSlice,
  refSplitHeads,
  refTranspose,
  refZip,
  seeded,
  toleranceFor,
} from './reference.test-helpers.js';

describeEachBackend('layout ops', (backend) => {
  const tol = toleranceFor(backend);

  it('broadcastTo: forward over new and size-1 dimensions', async () => {
    const cases: Array<[number[], number[]]> = [
      [[3], [2, 3]],
      [[1], [5]],
      [[], [2, 2]],
      [[3, 1], [3, 4]],
      [[1, 3, 1], [2, 3, 5]],
      [[2, 1, 1, 3], [2, 4, 2, 3]],
      [[2, 3], [2, 3]],
    ];
    for (const [n, [from, to]] of cases.entries()) {
      const [x, rx] = seeded(from, 200 + n);
      await expectClose(ops.broadcastTo(x, to), refBroadcastTo(rx, to), tol, `${JSON.stringify(from)} → ${JSON.stringify(to)}`);
    }
  });

  it('broadcastTo: keeps int32 and is the identity on equal shapes', async () => {
    const [idx] = ints([0, 2], [2, 1]);
    const b = ops.broadcastTo(idx, [2, 3]);
    await expectInts(b, { shape: [2, 3], data: [0, 0, 0, 2, 2, 2] });
    const [x] = seeded([2, 3], 1);
    expect(ops.broadcastTo(x, [2, 3])).toBe(x);
  });

  it('broadcastTo: gradient sums over the broadcast dimensions', async () => {
    const [x] = seeded([3, 1], 2, { requiresGrad: true });
    await expectGradcheck((t) => ops.broadcastTo(t, [2, 3, 4]), [x]);
    const [y] = seeded([1, 2, 1], 3, { requiresGrad: true });
    await expectGradcheck((t) => ops.broadcastTo(t, [3, 2, 2]), [y]);
  });

  it('reshape: same values, new shape, −1 inferred', async () => {
    const [x, rx] = seeded([2, 3, 4], 4);
    await expectClose(ops.reshape(x, [6, 4]), refReshape(rx, [6, 4]), tol);
    await expectClose(ops.reshape(x, [4, -1]), refReshape(rx, [4, 6]), tol);
    await expectClose(x.reshape([24]), refReshape(rx, [24]), tol);
    await expectClose(ops.reshape(x, [1, 2, 1, 12]), refReshape(rx, [1, 2, 1, 12]), tol);
    const [s, rs] = seeded([1], 5);
    await expectClose(ops.reshape(s, []), refReshape(rs, []), tol);
    const [idx] = ints([1, 2, 3, 4], [4]);
    expect(ops.reshape(idx, [2, 2]).dtype).toBe('int32');
  });

  it('reshape: gradient', async () => {
    const [x] = seeded([2, 3], 6, { requiresGrad: true });
    await expectGradcheck((t) => ops.reshape(t, [3, 2]), [x]);
  });

  it('permute: every order of a rank-3 tensor, and rank 4, 2 and 1', async () => {
    const [x, rx] = seeded([2, 3, 4], 7);
    for (const order of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [-1, 0, -2]]) {
      await expectClose(ops.permute(x, order), refPermute(rx, order), tol, `order ${JSON.stringify(order)}`);
    }
    const [y, ry] = seeded([2, 1, 3, 5], 8);
    for (const order of [[3, 2, 1, 0], [0, 2, 1, 3], [1, 3, 0, 2]]) {
      await expectClose(y.permute(order), refPermute(ry, order), tol, `rank 4 order ${JSON.stringify(order)}`);
    }
    const [z, rz] = seeded([3, 7], 9);
    await expectClose(ops.permute(z, [1, 0]), refPermute(rz, [1, 0]), tol, 'rank 2');
    const [w, rw] = seeded([5], 10);
    await expectClose(ops.permute(w, [0]), rw, tol, 'rank 1');
  });

  it('permute: keeps int32 values exact', async () => {
    const [idx] = ints([0, 1, 2, 3, 4, 5], [2, 3]);
    await expectInts(ops.permute(idx, [1, 0]), { shape: [3, 2], data: [0, 3, 1, 4, 2, 5] });
  });

  it('transpose: the last two axes by default, or any two', async () => {
    const [x, rx] = seeded([2, 3, 4], 11);
    await expectClose(ops.transpose(x), refTranspose(rx), tol, 'default');
    await expectClose(x.transpose(0, 2), refTranspose(rx, 0, 2), tol, '0, 2');
    await expectClose(ops.transpose(x, -3, 1), refTranspose(rx, 0, 1), tol, '-3, 1');
  });

  it('permute / transpose: gradient is the inverse permutation', async () => {
    const [x] = seeded([2, 3, 4], 12, { requiresGrad: true });
    await expectGradcheck((t) => ops.permute(t, [1, 2, 0]), [x]);
    const [y] = seeded([3, 4], 13, { requiresGrad: true });
    await expectGradcheck((t) => ops.transpose(t), [y]);
  });

  it('slice: blocks along each axis, including size 1, the whole axis and empty', async () => {
    const [x, rx] = seeded([3, 5, 2], 14);
    const cases: Array<[number, number, number]> = [
      [0, 1, 2],
      [1, 0, 5],
      [1, 3, 1],
      [2, 1, 1],
      [-1, 0, 2],
      [-2, 2, 3],
      [0, 3, 0],
    ];
    for (const [axis, start, length] of cases) {
      await expectClose(ops.slice(x, axis, start, length), refSlice(rx, axis, start, length), tol, `axis ${axis} [${start}, ${start + length})`);
    }
    const [idx] = ints([5, 6, 7, 8]);
    await expectInts(ops.slice(idx, 0, 1, 2), [6, 7]);
  });

  it('slice: gradient pads with zeros', async () => {
    const [x] = seeded([3, 4], 15, { requiresGrad: true });
    await expectGradcheck((t) => ops.slice(t, 1, 1, 2), [x]);
    await expectGradcheck((t) => ops.slice(t, 0, 2, 1), [x]);
  });

  it('concat: two or more tensors along any axis, and one tensor alone', async () => {
    const [a, ra] = seeded([2, 3], 16);
    const [b, rb] = seeded([2, 1], 17);
    const [c, rc] = seeded([2, 4], 18);
    await expectClose(ops.concat([a, b, c], 1), refConcat([ra, rb, rc], 1), tol, 'axis 1');
    await expectClose(ops.concat([a, b, c], -1), refConcat([ra, rb, rc], 1), tol, 'axis -1');
    const [d, rd] = seeded([1, 3], 19);
    await expectClose(ops.concat([a, d, a]), refConcat([ra, rd, ra], 0), tol, 'axis 0');
    const [e, re] = seeded([2, 2, 3], 20);
    const [f, rf] = seeded([2, 1, 3], 21);
    await expectClose(ops.concat([e, f], 1), refConcat([re, rf], 1), tol, 'rank 3 middle axis');
    await expectClose(ops.concat([a]), ra, tol, 'one tensor');
    const [i1] = ints([1, 2]);
    const [i2] = ints([3]);
    await expectInts(ops.concat([i1, i2]), [1, 2, 3]);
  });

  it('concat: gradient slices g back to each input', async () => {
    const [a] = seeded([2, 3], 22, { requiresGrad: true });
    const [b] = seeded([2, 2], 23, { requiresGrad: true });
    const [c] = seeded([2, 1], 24, { requiresGrad: true });
    await expectGradcheck((x, y, z) => ops.concat([x, y, z], 1), [a, b, c]);
    const [d] = seeded([1, 3], 25, { requiresGrad: true });
    await expectGradcheck((x, y) => ops.concat([x, y, x], 0), [a, d]);
  });

  it('splitHeads / mergeHeads: forward and round trip', async () => {
    const [x, rx] = seeded([2, 3, 6], 26);
    const split = ops.splitHeads(x, 2);
    await expectClose(split, refSplitHeads(rx, 2), tol, 'split 2');
    await expectClose(ops.splitHeads(x, 3), refSplitHeads(rx, 3), tol, 'split 3');
    await expectClose(ops.splitHeads(x, 1), refSplitHeads(rx, 1), tol, 'split 1');
    const [y, ry] = seeded([1, 2, 3, 4], 27);
    await expectClose(ops.mergeHeads(y), refMergeHeads(ry), tol, 'merge');
    await expectClose(ops.mergeHeads(split), rx, tol, 'round trip');
  });

  it('splitHeads / mergeHeads: gradient', async () => {
    const [x] = seeded([1, 3, 4], 28, { requiresGrad: true });
    await expectGradcheck((t) => ops.splitHeads(t, 2), [x]);
    const [y] = seeded([1, 2, 3, 2], 29, { requiresGrad: true });
    await expectGradcheck((t) => ops.mergeHeads(t), [y]);
  });

  it('index arithmetic stays exact on ~10^6 elements (general broadcast, permute, slice)', async () => {
    const [a, ra] = seeded([64, 1, 130], 30);
    const [b, rb] = seeded([1, 97, 1], 31);
    await expectClose(ops.add(a, b), refZip(ra, rb, (x, y) => x + y), tol, 'broadcast add');
    const [x, rx] = seeded([33, 65, 257], 32);
    await expectClose(ops.permute(x, [2, 0, 1]), refPermute(rx, [2, 0, 1]), tol, 'permute');
    await expectClose(ops.slice(x, 1, 7, 50), refSlice(rx, 1, 7, 50), tol, 'slice');
  });

  it('views of views compose', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const y = x.transpose().reshape([3, 2]).slice(0, 1, 2).permute([1, 0]);
    expect(await y.toArray()).toEqual([[2, 3], [5, 6]]);
  });
});
