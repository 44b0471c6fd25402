import { expect, it } from 'vitest';
import { Rng, randn, tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel } from './language_model.js';
import { SoftMoELayer } from './soft_moe.js';
import { ConfigError } from './validate.js';
import { VisionTransformer } from './vision_transformer.js';

const dim = 6;
const m = 5;

describeEachBackend('SoftMoELayer', () => {
  it('matches the paper\'s equations computed by hand on the host (D over tokens, C over slots)', async () => {
    const layer = new SoftMoELayer({ dim, expertDim: 8, experts: 3, slotsPerExpert: 2, normalize: false }, { rng: new Rng(1) });
    const x = randn([m, dim], 1, { rng: new Rng(2) });
    const y = await (await layer.forward(x)).data();
    const xs = await x.data();
    const phi = await layer.slots.data();
    const slots = 6;
    const logits = Array.from({ length: m }, (_, t) => Array.from({ length: slots }, (_, s) => {
      let v = 0;
      for (let c = 0; c < dim; c++) v += xs[t * dim + c] * phi[c * slots + s];
      return v;
    }));
    // D: softmax of each column over the tokens; C: softmax of each row over the slots.
    const dispatch = Array.from({ length: slots }, (_, s) => {
      const e = logits.map((row) => Math.exp(row[s]));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
    const combine = logits.map((row) => {
      const e = row.map(Math.exp);
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
    const slotInputs = new Float32Array(slots * dim);
    for (let s = 0; s < slots; s++) for (let t = 0; t < m; t++) for (let c = 0; c < dim; c++) slotInputs[s * dim + c] += dispatch[s][t] * xs[t * dim + c];
    // Slot s goes to expert ⌊s / p⌋.
    const slotOutputs = await layer.experts.forward(tensor(slotInputs, [slots, dim]), tensor(Int32Array.from([0, 0, 1, 1, 2, 2]), [slots], { dtype: 'int32' })).data();
    const expected = new Float32Array(m * dim);
    for (let t = 0; t < m; t++) for (let s = 0; s < slots; s++) for (let c = 0; c < dim; c++) expected[t * dim + c] += combine[t][s] * slotOutputs[s * dim + c];
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-4);
  });

  it('drops no token: every token feeds every slot and takes a full unit of combine weight', async () => {
    const layer = new SoftMoELayer({ dim, expertDim: 8, experts: 4 }, { rng: new Rng(3) });
    const x = randn([2 * m, dim], 1, { rng: new Rng(4) });
    const y = await (await layer.forward(x, { groupSize: m })).data();
    const { dispatch, combine } = layer.lastWeights!;
    expect(dispatch.shape).toEqual([2, 4, m]);
    expect(combine.shape).toEqual([2, m, 4]);
    const d = await dispatch.data();
    const c = await combine.data();
    expect(Math.min(...d)).toBeGreaterThan(0);
    expect(Math.min(...c)).toBeGreaterThan(0);
    for (let row = 0; row < d.length / m; row++) expect(Array.from(d.slice(row * m, (row + 1) * m)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (let row = 0; row < c.length / 4; row++) expect(Array.from(c.slice(row * 4, (row + 1) * 4)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (let t = 0; t < 2 * m; t++) expect(Math.max(...Array.from(y.slice(t * dim, (t + 1) * dim), Math.abs))).toBeGreaterThan(0);
    const stats = layer.lastStats!;
    expect([stats.droppedFraction, stats.unroutedTokens, stats.loadCv]).toEqual([0, 0, 0]);
    expect(stats.load).toEqual([2, 2, 2, 2]); // one slot per expert per group, 2 groups
  });

  it('is permutation-equivariant over the tokens of a group', async () => {
    const layer = new SoftMoELayer({ dim, expertDim: 8, experts: 3, slotsPerExpert: 2 }, { rng: new Rng(5) });
    const x = randn([m, dim], 1, { rng: new Rng(6) });
    const order = [3, 0, 4, 1, 2];
    const xs = await x.data();
    const permuted = new Float32Array(m * dim);
    order.forEach((from, to) => permuted.set(xs.subarray(from * dim, (from + 1) * dim), to * dim));
    const y = await (await layer.forward(x)).data();
    const yp = await (await layer.forward(tensor(permuted, [m, dim]))).data();
    const expected = new Float32Array(m * dim);
    order.forEach((from, to) => expected.set(y.subarray(from * dim, (from + 1) * dim), to * dim));
    expect(maxAbsDiff(yp, expected)).toBeLessThan(1e-5);
  });

  it('trains inside a ViT (gradients reach Φ and the experts) and is refused by the causal language model', async () => {
    const vit = new VisionTransformer({ imageHeight: 4, imageWidth: 4, patch: 2, classes: 3, layers: 1, modelDim: 8, heads: 2, ffDim: 8, moe: { experts: 4, soft: { slotsPerExpert: 1 } }, seed: 1 });
    const images = await randn([2, 16], 1, { rng: new Rng(7) }).data();
    const result = await vit.loss({ images: images as Float32Array, labels: Int32Array.from([0, 2]), batch: 2 });
    result.loss.backward();
    const names = vit.namedParameters().filter(([, p]) => p.grad).map(([n]) => n);
    expect(names).toContain('body.blocks.0.ffn.slots');
    expect(names).toContain('body.blocks.0.ffn.experts.w1');
    expect(result.metrics['routing.droppedFraction']).toBe(0);
    expect(() => new LanguageModel({ vocab: 8, context: 4, layers: 1, modelDim: 8, heads: 2, ffDim: 8, moe: { experts: 4, soft: {} } })).toThrow(ConfigError);
  });
}, ['cpu']);
