// Index ops: gather, indexSelect, indexAdd, embedding, topk, argmax / argmin, oneHot, against
// float64 references (tolerances in reference.test-helpers.ts), on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import {
  distinct,
  expectClose,
  expectGradcheck,
  expectInts,
  ints,
  refArgExtreme,
  refEmbedding,
  refGather,
  refIndexAdd,
  refIndexSelect,
  refOneHot,
  refTopk,
  seeded,
  seededInts,
  toleranceFor,
} from './reference.test-helpers.js';

describeEachBackend('index ops', (backend) => {
  const tol = toleranceFor(backend);

  it('gather: along the last axis, with repeats, rank 1 to 3', async () => {
    const [x, rx] = seeded([2, 5], 1);
    const [idx, ridx] = ints([4, 0, 4, 1, 1, 3], [2, 3]);
    await expectClose(ops.gather(x, idx), refGather(rx, ridx), tol, 'rank 2');
    const [y, ry] = seeded([2, 3, 4], 2);
    const [i3, ri3] = ints(seededInts(12, 4, 3), [2, 3, 2]);
    await expectClose(y.gather(i3), refGather(ry, ri3), tol, 'rank 3');
    const [z, rz] = seeded([6], 4);
    const [i1, ri1] = ints([5, 0, 5]);
    await expectClose(ops.gather(z, i1), refGather(rz, ri1), tol, 'rank 1');
    const [one, rone] = seeded([3, 1], 5);
    const [i0, ri0] = ints([0, 0, 0], [3, 1]);
    await expectClose(ops.gather(one, i0), refGather(rone, ri0), tol, 'size-1 axis');
  });

  it('gather: gradient, repeated indices accumulate', async () => {
    const [x] = seeded([2, 4], 6, { requiresGrad: true });
    const [idx] = ints([3, 3, 0, 1, 1, 1], [2, 3]);
    await expectGradcheck((t) => ops.gather(t, idx), [x]);
    x.grad = null;
    ops.gather(x, idx).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([1, 0, 0, 2, 0, 3, 0, 0]);
  });

  it('indexSelect: along each axis, with repeats and negative axes', async () => {
    const [x, rx] = seeded([4, 3, 2], 7);
    for (const [axis, list] of [
      [0, [3, 0, 3]],
      [1, [2]],
      [2, [1, 0, 1, 1]],
      [-1, [0]],
      [-3, [1, 2, 3, 0]],
    ] as Array<[number, number[]]>) {
      const [idx] = ints(list);
      await expectClose(ops.indexSelect(x, axis, idx), refIndexSelect(rx, axis, list), tol, `axis ${axis} ${JSON.stringify(list)}`);
    }
    const [idx] = ints([1, 1]);
    await expectClose(x.indexSelect(1, idx), refIndexSelect(rx, 1, [1, 1]), tol, 'method');
  });

  it('indexSelect: keeps int32', async () => {
    const [table] = ints([10, 11, 12, 13], [4]);
    const [idx] = ints([3, 0]);
    await expectInts(ops.indexSelect(table, 0, idx), [13, 10]);
  });

  it('indexSelect: gradient scatter-adds, repeated rows accumulate', async () => {
    const [x] = seeded([3, 4], 8, { requiresGrad: true });
    const [idx] = ints([2, 0, 2, 2]);
    await expectGradcheck((t) => ops.indexSelect(t, 0, idx), [x]);
    await expectGradcheck((t) => ops.indexSelect(t, 1, idx), [x]);
    x.grad = null;
    ops.indexSelect(x, 0, idx).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 3, 3, 3, 3]);
  });

  it('indexAdd: duplicate indices accumulate, along each axis', async () => {
    const [base, rbase] = seeded([4, 3], 9);
    const list = [1, 3, 1, 1, 0];
    const [idx] = ints(list);
    const [src, rsrc] = seeded([5, 3], 10);
    await expectClose(ops.indexAdd(base, 0, idx, src), refIndexAdd(rbase, 0, list, rsrc), tol, 'axis 0');
    const list1 = [2, 2, 0, 2];
    const [idx1] = ints(list1);
    const [src1, rsrc1] = seeded([4, 4], 11);
    await expectClose(ops.indexAdd(base, 1, idx1, src1), refIndexAdd(rbase, 1, list1, rsrc1), tol, 'axis 1');
    const [b3, rb3] = seeded([2, 3, 2], 12);
    const [s3, rs3] = seeded([2, 2, 2], 13);
    const [idx3] = ints([2, 2]);
    await expectClose(ops.indexAdd(b3, -2, idx3, s3), refIndexAdd(rb3, 1, [2, 2], rs3), tol, 'rank 3 middle axis');
    // Exact accumulation of ones.
    const counts = ops.indexAdd(ops.zeros([4]), 0, idx, ops.ones([5]));
    expect(Array.from(await counts.data())).toEqual([1, 3, 0, 1]);
  });

  it('indexAdd: gradient to base and src', async () => {
    const [base] = seeded([3, 2], 14, { requiresGrad: true });
    const [src] = seeded([4, 2], 15, { requiresGrad: true });
    const [idx] = ints([2, 0, 2, 2]);
    await expectGradcheck((b, s) => ops.indexAdd(b, 0, idx, s), [base, src]);
  });

  it('empty index sets: indexSelect gives an empty axis, indexAdd returns base', async () => {
    const [x, rx] = seeded([3, 2], 23);
    const [none] = ints([]);
    const s = ops.indexSelect(x, 0, none);
    expect(s.shape).toEqual([0, 2]);
    expect(Array.from(await s.data())).toEqual([]);
    await expectClose(ops.indexAdd(x, 0, none, ops.zeros([0, 2])), rx, tol);
  });

  it('embedding: ids of any shape look up rows', async () => {
    const [w, rw] = seeded([5, 3], 16);
    const [ids, rids] = ints([4, 0, 4, 2, 1, 1], [2, 3]);
    await expectClose(ops.embedding(w, ids), refEmbedding(rw, rids), tol, '[2, 3] ids');
    const [one, rone] = ints([3], [1]);
    await expectClose(ops.embedding(w, one), refEmbedding(rw, rone), tol, 'one id');
  });

  it('embedding: gradient, repeated ids accumulate', async () => {
    const [w] = seeded([4, 3], 17, { requiresGrad: true });
    const [ids] = ints([1, 3, 1, 1], [2, 2]);
    await expectGradcheck((t) => ops.embedding(t, ids), [w]);
  });

  it('topk: values and indices, largest first, ties to the lower index', async () => {
    const x = tensor([[1, 3, 3, 2, 3], [0, -1, 5, 5, -1]]);
    const rx = { shape: [2, 5], data: [1, 3, 3, 2, 3, 0, -1, 5, 5, -1] };
    for (const k of [1, 2, 3, 5]) {
      const { values, indices } = ops.topk(x, k);
      const want = refTopk(rx, k);
      await expectClose(values, want.values, tol, `values k=${k}`);
      await expectInts(indices, want.indices, `indices k=${k}`);
    }
    const { indices } = ops.topk(x, 3);
    expect(await indices.toArray()).toEqual([[1, 2, 4], [2, 3, 0]]);
  });

  it('topk: seeded rows, rank 1 and rank 3, odd sizes', async () => {
    for (const [n, [shape, k]] of ([[[7], 3], [[2, 3, 5], 2], [[4, 1], 1], [[3, 9], 9]] as Array<[number[], number]>).entries()) {
      const [x, rx] = seeded(shape, 40 + n);
      const { values, indices } = x.topk(k);
      const want = refTopk(rx, k);
      await expectClose(values, want.values, tol, `values ${JSON.stringify(shape)} k=${k}`);
      await expectInts(indices, want.indices, `indices ${JSON.stringify(shape)} k=${k}`);
    }
  });

  it('topk: small k over wide rows (the one-kernel path): ties, repeated maxima, ±Infinity', async () => {
    const data = [
      [2, 7, 7, 1, 7, 0, -3, 7, 5, 5, 1, 7, 2, 0, 0, 7],
      [-Infinity, 0, -Infinity, 0, 1, 1, -2, Infinity, 3, 3, 3, -Infinity, 0, 1, Infinity, 2],
      [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
    ];
    const x = tensor(data);
    const rx = { shape: [3, 16], data: data.flat() };
    for (const k of [1, 2, 3, 4, 5]) {
      const { values, indices } = ops.topk(x, k);
      const want = refTopk(rx, k);
      await expectClose(values, want.values, tol, `values k=${k}`);
      await expectInts(indices, want.indices, `indices k=${k}`);
    }
    expect(await ops.topk(x, 4).indices.toArray()).toEqual([[1, 2, 4, 7], [7, 14, 8, 9], [0, 1, 2, 3]]);
  });

  it('topk: values are differentiable', async () => {
    const [x] = distinct([3, 5], 18, { requiresGrad: true });
    await expectGradcheck((t) => ops.topk(t, 2).values, [x]);
  });

  it('argmax / argmin: first position on ties; rank 1 gives a scalar', async () => {
    const x = tensor([[1, 3, 3], [2, 2, 0], [-1, -1, -1]]);
    const rx = { shape: [3, 3], data: [1, 3, 3, 2, 2, 0, -1, -1, -1] };
    await expectInts(ops.argmax(x), refArgExtreme(rx, 1), 'argmax');
    await expectInts(ops.argmin(x), refArgExtreme(rx, -1), 'argmin');
    expect(Array.from(await x.argmax().data())).toEqual([1, 0, 0]);
    expect(Array.from(await x.argmin().data())).toEqual([0, 2, 0]);
    const [v, rv] = seeded([7], 19);
    await expectInts(ops.argmax(v), refArgExtreme(rv, 1), 'rank 1 argmax');
    expect(ops.argmax(v).shape).toEqual([]);
    const [y, ry] = seeded([2, 3, 5], 20);
    await expectInts(ops.argmin(y), refArgExtreme(ry, -1), 'rank 3 argmin');
    const [s, rs] = seeded([4, 1], 21);
    await expectInts(ops.argmax(s), refArgExtreme(rs, 1), 'size-1 axis');
  });

  it('oneHot: indices of any shape, depth 1 and more', async () => {
    const [idx, ridx] = ints([0, 3, 1, 3, 2, 0], [2, 3]);
    const out = ops.oneHot(idx, 4);
    expect(out.dtype).toBe('float32');
    await expectClose(out, refOneHot(ridx, 4), tol);
    const [z, rz] = ints([0, 0]);
    await expectClose(ops.oneHot(z, 1), refOneHot(rz, 1), tol, 'depth 1');
  });
});
