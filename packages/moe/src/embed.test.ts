import { expect, it } from 'vitest';
import { softmax } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel } from './language_model.js';
import type { LinearScorer, ScoredRouter } from '@smoe/routers';
import { ConfigError } from './validate.js';

const model = (): LanguageModel => new LanguageModel({ vocab: 12, context: 6, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 7, moe: { experts: 4 } });
const ids = Int32Array.from([1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 9, 10]);
const mask = Float32Array.from([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]); // the first sequence has 4 real tokens
const shape = [2, 6] as const;

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
  return dot / Math.sqrt(na * nb);
};

describeEachBackend('MoEE embeddings', () => {
  it("'hidden' is the mean of the final hidden states over the real tokens ('last': the last real one)", async () => {
    const lm = model().eval();
    const h = await (await lm.hidden(ids, shape)).data(); // [2, 6, 8]
    const e = await (await lm.embed(ids, shape, { kind: 'hidden', mask })).data();
    const last = await (await lm.embed(ids, shape, { kind: 'hidden', mask, pool: 'last' })).data();
    const expected = new Float32Array(16);
    for (let c = 0; c < 8; c++) {
      for (let t = 0; t < 4; t++) expected[c] += h[t * 8 + c] / 4;
      for (let t = 0; t < 6; t++) expected[8 + c] += h[(6 + t) * 8 + c] / 6;
    }
    expect(maxAbsDiff(e, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(last.slice(0, 8), h.slice(3 * 8, 4 * 8))).toBeLessThan(1e-6);
  });

  it("'routing' concatenates every MoE layer's mean routing distribution softmax(x·W_g); 'concat' puts the hidden state first", async () => {
    const lm = model();
    const routing = await (await lm.embed(ids, shape, { kind: 'routing', mask })).data();
    expect(routing.length).toBe(2 * 2 * 4); // [batch, layers · experts]
    for (const [i, { moe }] of lm.body.moeLayers().entries()) {
      const gate = ((moe.router as ScoredRouter).scorer as LinearScorer).weight;
      const p = await softmax(moe.lastInput!.matmul(gate)).data(); // [12, 4]
      for (let e = 0; e < 4; e++) {
        let first = 0;
        for (let t = 0; t < 4; t++) first += p[t * 4 + e] / 4;
        expect(routing[i * 4 + e]).toBeCloseTo(first, 5);
      }
      expect(Array.from(routing.slice(8 + i * 4, 8 + i * 4 + 4)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    const hidden = await (await lm.embed(ids, shape, { kind: 'hidden', mask })).data();
    const concat = await (await lm.embed(ids, shape, { kind: 'concat', mask })).data();
    expect(Array.from(concat.slice(0, 16))).toEqual([...Array.from(hidden.slice(0, 8)), ...Array.from(routing.slice(0, 8))]);
  });

  it("'sum': the dot product of two embeddings is cos(hidden) + α·cos(routing)", async () => {
    const lm = model();
    const hidden = await (await lm.embed(ids, shape, { kind: 'hidden' })).data();
    const routing = await (await lm.embed(ids, shape, { kind: 'routing' })).data();
    const summed = await (await lm.embed(ids, shape, { kind: 'sum', alpha: 0.5 })).data();
    const dot = Array.from(summed.slice(0, 16)).reduce((s, v, i) => s + v * summed[16 + i], 0);
    expect(dot).toBeCloseTo(cosine(hidden.slice(0, 8), hidden.slice(8)) + 0.5 * cosine(routing.slice(0, 8), routing.slice(8)), 5);
    expect(lm.training).toBe(true); // embed restores the mode it found
  });

  it('routes sequence-level by default (an embedding reads the whole message), causally on request', async () => {
    const lm = new LanguageModel({ vocab: 12, context: 6, layers: 1, modelDim: 8, heads: 2, ffDim: 16, seed: 7, moe: { experts: 4, router: { strategy: 'usmoe', topK: 1.5 } } });
    const layer = lm.body.moeLayers()[0].moe;
    await lm.embed(ids, shape);
    expect(layer.lastPlan!.stats.causal).toBeUndefined();
    expect(layer.lastPlan!.tokenIndex.length).toBe(2 * Math.floor(1.5 * 6)); // the global top-c of each sequence
    await lm.embed(ids, shape, { causalRouting: true });
    expect(layer.lastPlan!.stats.causal).toBe(1);
  });

  it('a dense model has no routing weights', async () => {
    const dense = new LanguageModel({ vocab: 12, context: 6, layers: 1, modelDim: 8, heads: 2, ffDim: 16 });
    await expect(dense.embed(ids, shape, { kind: 'routing' })).rejects.toThrow(ConfigError);
    expect((await dense.embed(ids, shape, { kind: 'hidden' })).shape).toEqual([2, 8]);
  });
}, ['cpu']);
