// Network ops: softmax, logSoftmax, logSumExp, crossEntropy, layerNorm, rmsNorm, dropout,
// causalMask, attention, against float64 references (tolerances in reference.test-helpers.ts),
// on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { Rng, tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import {
  expectArrayClose,
  expectClose,
  expectGradcheck,
  ints,
  ref,
  refAttention,
  refCausalMask,
  refCrossEntropy,
  refLayerNorm,
  refLogSoftmax,
  refLogSumExp,
  refMergeHeads,
  refRmsNorm,
  refSoftmax,
  refSplitHeads,
  seeded,
  toleranceFor,
} from './reference.test-helpers.js';

describeEachBackend('nn ops', (backend) => {
  const tol = toleranceFor(backend);

  for (const [name, op, reference] of [
    ['softmax', ops.softmax, refSoftmax],
    ['logSoftmax', ops.logSoftmax, refLogSoftmax],
  ] as const) {
    it(`${name}: forward along any axis, odd sizes, size-1 axes`, async () => {
      const cases: Array<[number[], number]> = [
        [[3, 5], -1],
        [[3, 5], 0],
        [[7], 0],
        [[2, 3, 4], 1],
        [[2, 3, 4], 0],
        [[2, 1, 3, 2], 2],
        [[4, 1], -1],
        [[1, 1], 0],
      ];
      for (const [n, [shape, axis]] of cases.entries()) {
        const [x, rx] = seeded(shape, 500 + n, { low: -3, high: 3 });
        await expectClose(op(x, axis), reference(rx, axis), tol, `${JSON.stringify(shape)} axis ${axis}`);
      }
    });

    it(`${name}: stable for large logits`, async () => {
      // The row's logsumexp (≈ 1000) is held in float32, whose spacing there is 6e-5: the
      // tolerance is that of the inputs' magnitude, not of the outputs'.
      const values = [1000, 999, -1000, 0, 50, 50.5];
      await expectClose(op(tensor(values, [2, 3])), reference(ref([2, 3], values)), { rtol: tol.rtol, atol: 1e-4 });
    });

    it(`${name}: gradient`, async () => {
      const [x] = seeded([3, 4], 510, { requiresGrad: true });
      await expectGradcheck((t) => op(t), [x]);
      const [y] = seeded([2, 3, 2], 511, { requiresGrad: true });
      await expectGradcheck((t) => op(t, 1), [y]);
    });
  }

  // Regression: softmax keeps the row max apart from log Σ exp(x − max), so rows of huge equal
  // logits (a fully masked attention row of −1e30) stay uniform instead of all-ones.
  it('softmax of a row of equal huge-magnitude logits (a fully masked row) is uniform', async () => {
    const y = ops.softmax(tensor([[-1e30, -1e30], [1e8, 1e8]]));
    expectArrayClose(await y.data(), [0.5, 0.5, 0.5, 0.5], tol);
  });

  it('softmax rows sum to 1; method forms', async () => {
    const [x, rx] = seeded([4, 6], 512);
    const sums = await ops.sum(x.softmax(), -1).data();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    await expectClose(x.logSoftmax(0), refLogSoftmax(rx, 0), tol);
  });

  it('logSumExp: over the last axis, keepDims both ways, large values', async () => {
    for (const [n, shape] of [[3, 5], [7], [2, 3, 4], [4, 1]].entries()) {
      const [x, rx] = seeded(shape, 520 + n, { low: -5, high: 5 });
      await expectClose(ops.logSumExp(x), refLogSumExp(rx), tol, JSON.stringify(shape));
      await expectClose(ops.logSumExp(x, true), refLogSumExp(rx, true), tol, `${JSON.stringify(shape)} keepDims`);
    }
    const big = [500, 501, -300, 100];
    await expectClose(ops.logSumExp(tensor(big, [2, 2])), refLogSumExp(ref([2, 2], big)), tol, 'large');
  });

  it('logSumExp: gradient', async () => {
    const [x] = seeded([3, 4], 525, { requiresGrad: true });
    await expectGradcheck((t) => ops.logSumExp(t), [x]);
    await expectGradcheck((t) => ops.logSumExp(t, true), [x]);
  });

  it('crossEntropy: mean, sum and none against the reference', async () => {
    const [logits, rl] = seeded([5, 4], 530, { low: -3, high: 3 });
    const targets = [3, 0, 1, 3, 2];
    const [t] = ints(targets);
    await expectClose(ops.crossEntropy(logits, t), refCrossEntropy(rl, targets), tol, 'mean (default)');
    await expectClose(ops.crossEntropy(logits, t, { reduction: 'sum' }), refCrossEntropy(rl, targets, -100, 'sum'), tol, 'sum');
    await expectClose(ops.crossEntropy(logits, t, { reduction: 'none' }), refCrossEntropy(rl, targets, -100, 'none'), tol, 'none');
    const [one, r1] = seeded([1, 1], 531);
    const [t1] = ints([0]);
    await expectClose(ops.crossEntropy(one, t1), refCrossEntropy(r1, [0]), tol, 'one class');
  });

  it('crossEntropy: ignored rows contribute nothing and are not counted', async () => {
    const [logits, rl] = seeded([5, 4], 532, { low: -3, high: 3 });
    const targets = [3, -100, 1, -100, 2];
    const [t] = ints(targets);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectClose(ops.crossEntropy(logits, t, { reduction }), refCrossEntropy(rl, targets, -100, reduction), tol, `default ignore, ${reduction}`);
    }
    const custom = [3, 1, 1, 0, 1];
    const [tc] = ints(custom);
    await expectClose(ops.crossEntropy(logits, tc, { ignoreIndex: 1 }), refCrossEntropy(rl, custom, 1, 'mean'), tol, 'ignoreIndex 1');
    // All ignored: 0, not NaN.
    const [all] = ints([-100, -100, -100, -100, -100]);
    expect(await ops.crossEntropy(logits, all).item()).toBe(0);
  });

  it('crossEntropy: stable for large logits', async () => {
    const values = [1000, 0, -1000, 0, 200, 300];
    const [t] = ints([0, 2]);
    await expectClose(ops.crossEntropy(tensor(values, [2, 3]), t, { reduction: 'none' }), refCrossEntropy(ref([2, 3], values), [0, 2], -100, 'none'), tol);
  });

  it('crossEntropy: gradient for every reduction, with ignored rows', async () => {
    const [logits] = seeded([4, 3], 533, { requiresGrad: true });
    const [t] = ints([2, -100, 0, 2]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectGradcheck((x) => ops.crossEntropy(x, t, { reduction }), [logits]);
    }
    logits.grad = null;
    ops.crossEntropy(logits, t).backward();
    // The ignored row gets exactly zero gradient.
    expect(Array.from((await logits.grad!.data()).slice(3, 6))).toEqual([0, 0, 0]);
  });

  it('layerNorm: with and without weight and bias, odd widths', async () => {
    for (const [n, shape] of [[3, 5], [2, 3, 4], [7], [4, 1], [1, 2]].entries()) {
      const [x, rx] = seeded(shape, 540 + n, { low: -3, high: 3 });
      const width = shape[shape.length - 1];
      const [w, rw] = seeded([width], 550 + n, { low: 0.5, high: 1.5 });
      const [b, rb] = seeded([width], 560 + n);
      await expectClose(ops.layerNorm(x), refLayerNorm(rx), tol, `${JSON.stringify(shape)} plain`);
      await expectClose(ops.layerNorm(x, w), refLayerNorm(rx, rw), tol, `${JSON.stringify(shape)} weight`);
      await expectClose(ops.layerNorm(x, w, b), refLayerNorm(rx, rw, rb), tol, `${JSON.stringify(shape)} weight and bias`);
    }
    const [x, rx] = seeded([2, 6], 570);
    await expectClose(ops.layerNorm(x, undefined, undefined, 0.1), refLayerNorm(rx, undefined, undefined, 0.1), tol, 'eps 0.1');
  });

  it('layerNorm: gradient to input, weight and bias', async () => {
    const [x] = seeded([3, 4], 571, { requiresGrad: true });
    const [w] = seeded([4], 572, { requiresGrad: true, low: 0.5, high: 1.5 });
    const [b] = seeded([4], 573, { requiresGrad: true });
    await expectGradcheck((a, c, d) => ops.layerNorm(a, c, d), [x, w, b]);
    // rows of a 3-D input (the fused kernels index rows across the leading axes), without affine
    const [x3] = seeded([2, 3, 5], 574, { requiresGrad: true });
    await expectGradcheck((a) => ops.layerNorm(a), [x3]);
  });

  it('layerNorm: rows with a large mean normalise as exactly as centred ones (two-pass variance)', async () => {
    const [x, rx] = seeded([4, 6], 575);
    const shifted = ops.add(x, 1000);
    const [w, rw] = seeded([6], 576, { low: 0.5, high: 1.5 });
    await expectClose(ops.layerNorm(shifted, w), refLayerNorm(rx, rw), { ...tol, atol: 2e-3 }, 'mean 1000');
  });

  it('rmsNorm: with and without weight, odd widths', async () => {
    for (const [n, shape] of [[3, 5], [2, 3, 4], [7], [4, 1]].entries()) {
      const [x, rx] = seeded(shape, 580 + n, { low: -3, high: 3 });
      const [w, rw] = seeded([shape[shape.length - 1]], 590 + n, { low: 0.5, high: 1.5 });
      await expectClose(ops.rmsNorm(x), refRmsNorm(rx), tol, `${JSON.stringify(shape)} plain`);
      await expectClose(ops.rmsNorm(x, w), refRmsNorm(rx, rw), tol, `${JSON.stringify(shape)} weight`);
    }
  });

  it('rmsNorm: gradient to input and weight', async () => {
    const [x] = seeded([3, 4], 595, { requiresGrad: true });
    const [w] = seeded([4], 596, { requiresGrad: true, low: 0.5, high: 1.5 });
    await expectGradcheck((a, c) => ops.rmsNorm(a, c), [x, w]);
  });

  it('dropout: the same seed gives the same mask; another seed another', async () => {
    const x = ops.ones([4, 8]);
    const a = await ops.dropout(x, 0.5, { rng: new Rng(42) }).data();
    const b = await ops.dropout(x, 0.5, { rng: new Rng(42) }).data();
    const c = await ops.dropout(x, 0.5, { rng: new Rng(43) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Kept entries are scaled by 1/(1 − p); the rest are 0.
    for (const v of a) expect([0, 2]).toContain(v);
    // The mask follows the generator's uniform draws: dropped where u < p.
    const draws = new Rng(42).uniformArray(32);
    expect(Array.from(a)).toEqual(Array.from(draws, (u) => (u < 0.5 ? 0 : 2)));
  });

  it('dropout: the expectation is preserved', async () => {
    const n = 4096;
    const p = 0.3;
    const y = ops.dropout(ops.ones([n]), p, { rng: new Rng(7) });
    const values = Array.from(await y.data());
    const mean = values.reduce((s, v) => s + v, 0) / n;
    // Standard deviation of the mean: √(p/(1 − p)/n) ≈ 0.010.
    expect(Math.abs(mean - 1)).toBeLessThan(0.04);
    const dropped = values.filter((v) => v === 0).length / n;
    expect(Math.abs(dropped - p)).toBeLessThan(0.03);
  });

  it('dropout: training false and p = 0 are the identity', async () => {
    const [x] = seeded([3, 3], 600);
    expect(ops.dropout(x, 0.5, { training: false })).toBe(x);
    expect(ops.dropout(x, 0)).toBe(x);
  });

  it('dropout: gradient is the same mask and scale', async () => {
    const [x] = seeded([3, 4], 601, { requiresGrad: true });
    await expectGradcheck((t) => ops.dropout(t, 0.25, { rng: new Rng(9) }), [x]);
    x.grad = null;
    const y = ops.dropout(x, 0.25, { rng: new Rng(9) });
    y.sum().backward();
    const mask = Array.from(new Rng(9).uniformArray(12), (u) => (u < 0.25 ? 0 : 1 / 0.75));
    const grad = await x.grad!.data();
    grad.forEach((g, i) => expect(g).toBeCloseTo(mask[i], 6));
  });

  it('causalMask: square and rectangular (more keys than queries), batched', async () => {
    for (const [n, shape] of [[3, 3], [2, 4], [2, 2, 3, 3], [1, 1], [2, 2, 5]].entries()) {
      const [s, rs] = seeded(shape, 610 + n);
      await expectClose(ops.causalMask(s), refCausalMask(rs), tol, JSON.stringify(shape));
    }
  });

  it('causalMask: softmax gives masked keys weight 0', async () => {
    const [s] = seeded([3, 3], 615);
    const w = await ops.softmax(ops.causalMask(s)).toArray();
    expect(w).toMatchObject([[expect.any(Number), 0, 0], [expect.any(Number), expect.any(Number), 0], [expect.any(Number), expect.any(Number), expect.any(Number)]]);
  });

  it('causalMask: gradient zero on masked entries', async () => {
    // Through exp: the masked −1e30 entries would swamp a weighted sum in float32.
    const [s] = seeded([2, 3, 3], 616, { requiresGrad: true });
    await expectGradcheck((t) => ops.exp(ops.causalMask(t)), [s]);
    s.grad = null;
    ops.causalMask(s).backward(ops.ones([2, 3, 3]));
    const row = [1, 0, 0, 1, 1, 0, 1, 1, 1];
    expect(Array.from(await s.grad!.data())).toEqual([...row, ...row]);
  });

  it('attention: causal and not, self and cross (T ≠ S), against the reference', async () => {
    const [q, rq] = seeded([2, 2, 3, 4], 620);
    const [k, rk] = seeded([2, 2, 3, 4], 621);
    const [v, rv] = seeded([2, 2, 3, 4], 622);
    await expectClose(ops.attention(q, k, v), refAttention(rq, rk, rv, true), tol, 'causal (default)');
    await expectClose(ops.attention(q, k, v, { causal: false }), refAttention(rq, rk, rv, false), tol, 'not causal');
    const [q2, rq2] = seeded([1, 3, 2, 5], 623);
    const [k2, rk2] = seeded([1, 3, 4, 5], 624);
    const [v2, rv2] = seeded([1, 3, 4, 3], 625);
    await expectClose(ops.attention(q2, k2, v2), refAttention(rq2, rk2, rv2, true), tol, 'T 2, S 4, causal');
    await expectClose(ops.attention(q2, k2, v2, { causal: false }), refAttention(rq2, rk2, rv2, false), tol, 'T 2, S 4');
    // T 4 > S 2, causal: the first two queries see no key and attend uniformly
    const [q3, rq3] = seeded([1, 2, 4, 3], 634);
    const [k3, rk3] = seeded([1, 2, 2, 3], 635);
    const [v3, rv3] = seeded([1, 2, 2, 3], 636);
    const out3 = await ops.attention(q3, k3, v3).data();
    const ref3 = refAttention(rq3, rk3, rv3, true).data; // right for the rows that see keys
    for (let h = 0; h < 2; h++) {
      for (let t = 0; t < 4; t++) {
        for (let j = 0; j < 3; j++) {
          const expected = t < 2 ? (rv3.data[h * 6 + j] + rv3.data[h * 6 + 3 + j]) / 2 : ref3[(h * 4 + t) * 3 + j];
          expect(out3[(h * 4 + t) * 3 + j]).toBeCloseTo(expected, 4);
        }
      }
    }
    const [q1, rq1] = seeded([1, 1, 1, 2], 626);
    await expectClose(ops.attention(q1, q1, q1), refAttention(rq1, rq1, rq1), tol, 'one token');
  });

  it('attention: the first query attends only to the first key', async () => {
    const [q] = seeded([1, 1, 3, 2], 627);
    const [k] = seeded([1, 1, 3, 2], 628);
    const [v, rv] = seeded([1, 1, 3, 2], 629);
    const out = await ops.attention(q, k, v).data();
    expect(out[0]).toBeCloseTo(rv.data[0], 5);
    expect(out[1]).toBeCloseTo(rv.data[1], 5);
  });

  it('attention: gradient to q, k and v', async () => {
    const [q] = seeded([1, 2, 3, 2], 630, { requiresGrad: true });
    const [k] = seeded([1, 2, 3, 2], 631, { requiresGrad: true });
    const [v] = seeded([1, 2, 3, 2], 632, { requiresGrad: true });
    await expectGradcheck((a, b, c) => ops.attention(a, b, c), [q, k, v]);
    await expectGradcheck((a, b, c) => ops.attention(a, b, c, { causal: false }), [q, k, v]);
    // cross attention, T 3 > S 2 (a query with no visible key)
    const [k2] = seeded([1, 2, 2, 2], 637, { requiresGrad: true });
    const [v2] = seeded([1, 2, 2, 2], 638, { requiresGrad: true });
    await expectGradcheck((a, b, c) => ops.attention(a, b, c), [q, k2, v2]);
  });

  it('attention through splitHeads / mergeHeads matches the reference', async () => {
    const [x, rx] = seeded([1, 3, 4], 633);
    const heads = ops.splitHeads(x, 2);
    const out = ops.mergeHeads(ops.attention(heads, heads, heads));
    const rh = refSplitHeads(rx, 2);
    const merged = refMergeHeads(refAttention(rh, rh, rh));
    await expectClose(out, merged, tol);
  });
});
