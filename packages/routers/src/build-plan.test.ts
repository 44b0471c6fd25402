// A padded plan (what a compiled step records): its tensors round the pairs up to a multiple of
// ceil(tokens / 4) with pairs (token 0, the last expert, weight exactly 0); the host copies,
// counts and statistics are those of the real pairs; the weights' gradient is the unpadded one.
import { describe, expect, it } from 'vitest';
import { tensor } from '@smoe/tensor';
import { buildPlan, denseWeights, paddedRows, validatePlan } from './index.js';

// 10 tokens, 3 experts: 7 pairs, chosen by hand, in no particular order
const selection = () => {
  const probabilities = tensor(Float32Array.from({ length: 30 }, (_, i) => 0.01 * (i + 1)), [10, 3], { requiresGrad: true });
  return {
    probabilities,
    selection: {
      tokens: 10,
      experts: 3,
      token: Int32Array.of(4, 0, 9, 2, 4, 7, 1),
      expert: Int32Array.of(2, 0, 1, 1, 0, 2, 2),
      weights: probabilities,
      position: Int32Array.of(14, 0, 28, 7, 12, 23, 5),
    },
  };
};

describe('buildPlan padding', () => {
  it('rounds the pairs up to a multiple of ceil(tokens / 4)', () => {
    expect(paddedRows(7, 10)).toBe(9); // buckets of 3
    expect(paddedRows(9, 10)).toBe(9);
    expect(paddedRows(2048, 1024)).toBe(2048);
    expect(paddedRows(1800, 1024)).toBe(2048); // buckets of 256
    expect(paddedRows(0, 10)).toBe(0);
    expect(paddedRows(3, 1)).toBe(3);
  });

  it('pads the tensors with weight-0 pairs (token 0, the last expert) and keeps the real pairs everywhere else', async () => {
    const plain = selection();
    const padded = selection();
    const a = await buildPlan(plain.selection, false);
    const b = await buildPlan(padded.selection, true);
    expect(a.token.size).toBe(7);
    expect(b.token.size).toBe(9);
    // sorted by expert then token: (0,0) (4,0) (2,1) (9,1) (1,2) (4,2) (7,2), then 2 padding pairs
    expect(Array.from(await b.token.data())).toEqual([0, 4, 2, 9, 1, 4, 7, 0, 0]);
    expect(Array.from(await b.expert.data())).toEqual([0, 0, 1, 1, 2, 2, 2, 2, 2]);
    const w = Array.from(await b.weight.data());
    expect(w.slice(0, 7)).toEqual(Array.from(await a.weight.data()));
    expect(w.slice(0, 7).map((v) => Math.round(v * 100))).toEqual([1, 13, 8, 29, 6, 15, 24]); // probability (position + 1) / 100
    expect(w.slice(7)).toEqual([0, 0]);
    expect(Array.from(b.tokenIndex)).toEqual(Array.from(a.tokenIndex));
    expect(Array.from(b.counts)).toEqual([2, 2, 3]);
    expect(b.unroutedTokens).toBe(a.unroutedTokens);
    expect(b.stats).toEqual(a.stats);
    await validatePlan(b);
    expect(Array.from(await denseWeights(b).data())).toEqual(Array.from(await denseWeights(a).data()));
    // the weights' gradient: each picked probability gets its pair's upstream gradient, padding nothing
    a.weight.mul(tensor(Float32Array.from({ length: 7 }, (_, p) => p + 1))).sum().backward();
    b.weight.mul(tensor(Float32Array.from({ length: 9 }, (_, p) => p + 1))).sum().backward();
    expect(Array.from(await padded.probabilities.grad!.data())).toEqual(Array.from(await plain.probabilities.grad!.data()));
  });

  it('pads weightless plans (hash, VQ) with 0 after the 1s', async () => {
    const plan = await buildPlan({ tokens: 8, experts: 2, token: Int32Array.of(0, 1, 2), expert: Int32Array.of(1, 0, 1) }, true);
    expect(Array.from(await plan.weight.data())).toEqual([1, 1, 1, 0]);
    await validatePlan(plan);
  });

  it('validatePlan refuses padding that is not (0, the last expert, 0)', async () => {
    const plan = await buildPlan({ tokens: 8, experts: 2, token: Int32Array.of(0, 1, 2), expert: Int32Array.of(1, 0, 1) }, true);
    await expect(validatePlan({ ...plan, weight: tensor(Float32Array.of(1, 1, 1, 0.5)) })).rejects.toThrow(/padding row 3 is \(0, 1\) with weight 0.5/);
  });
});
