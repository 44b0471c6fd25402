import { expect, it } from 'vitest';
import { Rng, tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { createModel } from './create_model.js';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import { SequenceClassifier } from './sequence_classifier.js';
import { ConfigError } from './validate.js';
import { sgdStep } from '../test/sgd.js';

const base: LanguageModelConfig = { vocab: 12, context: 6, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 1 };
const moe: LanguageModelConfig = { ...base, moe: { experts: 4, router: { strategy: 'tokenChoice', topK: 2 } } };

function batch(rows: number, length: number, seed = 0): { inputs: Int32Array; targets: Int32Array; batch: number; context: number } {
  const rng = new Rng(seed);
  const tokens = Int32Array.from({ length: rows * (length + 1) }, () => rng.int(12));
  const inputs = new Int32Array(rows * length);
  const targets = new Int32Array(rows * length);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < length; t++) {
      inputs[r * length + t] = tokens[r * (length + 1) + t];
      targets[r * length + t] = tokens[r * (length + 1) + t + 1];
    }
  }
  return { inputs, targets, batch: rows, context: length };
}

describeEachBackend('LanguageModel', () => {
  it('maps ids [batch, T] to logits [batch, T, vocab] and reports per-layer routing', async () => {
    const model = new LanguageModel({ ...moe, moe: { experts: 4, every: 2 } });
    const ids = tensor(Int32Array.from({ length: 12 }, (_, i) => i % 12), [2, 6], { dtype: 'int32' });
    const logits = await model.forward(ids);
    expect(logits.shape).toEqual([2, 6, 12]);
    expect(model.body.moeLayers().map((l) => l.layer)).toEqual([1]);
    const data = batch(2, 6);
    const result = await model.loss(data);
    expect(result.routing.map((r) => r.layer)).toEqual([1]);
    // The task loss is the mean cross-entropy of the logits against the next tokens.
    const values = await (await model.forward(data.inputs, [2, 6])).data();
    let crossEntropy = 0;
    for (let row = 0; row < 12; row++) {
      const logits = Array.from(values.subarray(row * 12, row * 12 + 12));
      const top = Math.max(...logits);
      crossEntropy += top + Math.log(logits.reduce((sum, v) => sum + Math.exp(v - top), 0)) - logits[data.targets[row]];
    }
    expect(result.metrics.taskLoss).toBeCloseTo(crossEntropy / 12, 5);
    expect(result.metrics.bitsPerToken).toBeCloseTo(result.metrics.taskLoss / Math.LN2, 5);
    expect(result.metrics['routing.expertsPerToken']).toBe(2);
    // Per-layer metrics: the layer's balance and its load per expert (fractions summing to 1).
    expect(result.metrics['layer1.loadCv']).toBeCloseTo(result.routing[0].stats.loadCv, 6);
    const loads = [0, 1, 2, 3].map((e) => result.metrics[`layer1.load.${e}`]);
    expect(loads.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // The aux loss is tokenChoice's weighted sum over its one MoE layer: 0.01 · balance + 0.001 · z.
    const { balance, z } = model.body.moeLayers()[0].moe.lastLosses;
    expect(await result.auxLoss!.item()).toBeCloseTo(0.01 * (await balance.item()) + 1e-3 * (await z.item()), 6);
  });

  it('is causal: a later token does not change earlier logits', async () => {
    const model = new LanguageModel(moe).eval();
    const a = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Int32Array.from([1, 2, 3, 4, 5, 9]);
    const la = await (await model.forward(a, [1, 6])).data();
    const lb = await (await model.forward(b, [1, 6])).data();
    expect(maxAbsDiff(la.slice(0, 5 * 12), lb.slice(0, 5 * 12))).toBeLessThan(1e-5);
    expect(maxAbsDiff(la.slice(5 * 12), lb.slice(5 * 12))).toBeGreaterThan(1e-4);
  });

  for (const [name, config] of [
    ['token choice', moe],
    ['USMoE', { ...base, moe: { experts: 4, router: { strategy: 'usmoe', topK: 1.5 } } }],
    ['VQMoE', { ...base, moe: { experts: 4, vq: {} } }],
  ] as const) {
    it(`loss decreases over 20 SGD steps on a repeated batch (${name})`, async () => {
      const model = new LanguageModel(config as LanguageModelConfig);
      const data = batch(2, 6, 3);
      const losses: number[] = [];
      for (let step = 0; step < 20; step++) {
        const result = await model.loss(data, { step, totalSteps: 20 });
        losses.push(result.metrics.taskLoss);
        result.loss.backward();
        sgdStep(model, 0.3);
      }
      expect(losses[19]).toBeLessThan(losses[0] * 0.8);
    });
  }

  it('a dense model and a 1-expert MoE with the same weights give the same output', async () => {
    const dense = new LanguageModel(base);
    const sparse = new LanguageModel({ ...base, moe: { experts: 1, router: { strategy: 'tokenChoice', topK: 1, weighting: 'softmax' } } });
    const state: Record<string, Tensor> = sparse.stateDict();
    for (const [name, value] of Object.entries(dense.stateDict())) {
      const expert = name.replace(/\.ffn\./, '.ffn.experts.');
      if (name in state) state[name] = value;
      else state[expert] = value.reshape([1, ...value.shape]);
    }
    sparse.loadStateDict(state);
    const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 5) % 12);
    const a = await (await dense.forward(ids, [2, 6])).data();
    const b = await (await sparse.forward(ids, [2, 6])).data();
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
  });

  it('config round-trips through JSON: same architecture, same weights from the seed', async () => {
    const model = new LanguageModel({ ...base, moe: { experts: 4, every: 2, sharedExperts: 1, capacityFactor: 1.25, vq: { regime: 'mixed' } } });
    const json = JSON.parse(JSON.stringify(model.config));
    expect(json).toEqual(model.config);
    const again = createModel(json) as LanguageModel;
    expect(again).toBeInstanceOf(LanguageModel);
    expect(again.config).toEqual(model.config);
    const ids = Int32Array.from({ length: 6 }, (_, i) => i);
    expect(maxAbsDiff(await (await model.forward(ids, [1, 6])).data(), await (await again.forward(ids, [1, 6])).data())).toBe(0);
    model.setRegime('discrete');
    expect(model.config.moe?.vq?.regime).toBe('discrete');
    expect(LanguageModel.fromConfig(JSON.parse(JSON.stringify(model.config))).config.moe?.vq?.regime).toBe('discrete');
  });

  it('hands the training progress to the routers (SMoE-Dropout grows k from 1 to N)', async () => {
    const model = new LanguageModel({ ...base, moe: { experts: 4, router: { strategy: 'smoeDropout' } } });
    const data = batch(2, 6);
    model.setProgress(0, 10);
    expect((await model.loss(data)).metrics['routing.expertsPerToken']).toBe(1);
    model.setProgress(10, 10);
    expect((await model.loss(data)).metrics['routing.expertsPerToken']).toBe(4);
    expect((await model.loss(data, { step: 0, totalSteps: 10 })).metrics['routing.expertsPerToken']).toBe(1);
    expect((await model.loss(data)).metrics.tokens).toBe(12);
  });

  it('saves and restores the state that is not a parameter (router state, generator) as buffers', async () => {
    const config: LanguageModelConfig = { ...base, moe: { experts: 4, router: { strategy: 'auxiliaryLossFree' }, vq: {} } };
    const model = new LanguageModel(config);
    await model.loss(batch(2, 6));
    const state = await model.buffers();
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['body.rng', 'body.blocks.0.ffn.router.bias', 'body.blocks.0.ffn.vqRouter.codebook.usage']));
    const copy = new LanguageModel(config);
    expect(await copy.buffers()).not.toEqual(state);
    copy.loadBuffers(state);
    expect(await copy.buffers()).toEqual(state);
    expect(() => copy.loadBuffers({ 'body.blocks.5.ffn.router.bias': new Float32Array(4) })).toThrow(/unexpected buffers/);
  });

  it('fine-tunes as a sequence classifier over a pre-trained body', async () => {
    const lm = new LanguageModel({ ...base, moe: { experts: 4, vq: {} } });
    const classifier = await SequenceClassifier.fromPretrained(lm, { classes: 3, pool: 'mean' });
    classifier.setRegime('discrete');
    classifier.eval(); // the same logits in forward and loss (training would move the codebook)
    const inputs = Int32Array.from({ length: 12 }, (_, i) => i % 12);
    const mask = Float32Array.from({ length: 12 }, (_, i) => (i % 6 < 4 ? 1 : 0));
    const logits = await classifier.forward(inputs, [2, 6], mask);
    expect(logits.shape).toEqual([2, 3]);
    const result = await classifier.loss({ inputs, mask, labels: Int32Array.of(0, 2), batch: 2, length: 6 });
    const values = (await logits.data()) as Float32Array;
    const argmax = [0, 1].map((r) => [0, 1, 2].reduce((best, c) => (values[r * 3 + c] > values[r * 3 + best] ? c : best), 0));
    expect(result.metrics.accuracy).toBe(((argmax[0] === 0 ? 1 : 0) + (argmax[1] === 2 ? 1 : 0)) / 2); // the fraction of rows whose argmax is the label
    expect(result.routing[0].stats.codePerplexity).toBeGreaterThan(0);
    const last = new SequenceClassifier({ body: base, classes: 2, pool: 'last' });
    expect((await last.forward(inputs, [2, 6], mask)).shape).toEqual([2, 2]);
    const json = JSON.parse(JSON.stringify(classifier.config));
    expect((createModel(json) as SequenceClassifier).config).toEqual(classifier.config);
  });

  it('fromPretrained with bodyDropout: dropout in the body while training, none in evaluation', async () => {
    const lm = new LanguageModel({ ...base, moe: { experts: 4 } });
    const plain = await SequenceClassifier.fromPretrained(lm, { classes: 2, seed: 4 });
    const dropped = await SequenceClassifier.fromPretrained(lm, { classes: 2, seed: 4, bodyDropout: 0.5 });
    const dropoutOf = (m: SequenceClassifier) => (m.body as LanguageModel).config.dropout;
    expect([dropoutOf(plain), dropoutOf(dropped), lm.config.dropout]).toEqual([0, 0.5, 0]);
    const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 5 + 1) % 12);
    const logits = async (m: SequenceClassifier) => (await m.forward(ids, [2, 6])).data();
    for (const m of [plain, dropped]) m.eval();
    expect(maxAbsDiff(await logits(plain), await logits(dropped))).toBe(0);
    dropped.train();
    expect(maxAbsDiff(await logits(plain), await logits(dropped))).toBeGreaterThan(1e-4);
  });

  it('reads sequences longer than the context whole, in chunks: the pooled mean runs over every real token of every chunk', async () => {
    const classifier = new SequenceClassifier({ body: { ...base, moe: { experts: 4 } }, classes: 2, pool: 'mean', seed: 1 });
    classifier.eval();
    const context = base.context;
    const length = 2 * context + 3; // three chunks, the last one padded
    const ids = Int32Array.from({ length }, (_, i) => (i * 5 + 2) % 12);
    const logits = await (await classifier.forward(ids, [1, length])).data();
    // by hand: the body on each chunk alone, the mean of the hidden states of the real tokens
    const padded = new Int32Array(3 * context);
    padded.set(ids);
    const hidden = await (await classifier.body.hidden(padded, [3, context])).data();
    const dim = base.modelDim;
    const pooled = new Float32Array(dim);
    for (let t = 0; t < length; t++) for (let d = 0; d < dim; d++) pooled[d] += hidden[t * dim + d] / length;
    const w = await classifier.classifier.data();
    const b = await classifier.classifierBias.data();
    const expected = [0, 1].map((c) => b[c] + pooled.reduce((sum, v, d) => sum + v * w[d * 2 + c], 0));
    expect(maxAbsDiff(logits, Float32Array.from(expected))).toBeLessThan(1e-5);
  });

  it("'max' pooling takes each feature's largest value over the real tokens only, and its gradient reaches only those tokens", async () => {
    const classifier = new SequenceClassifier({ body: { ...base, moe: { experts: 4 } }, classes: 2, pool: 'max', seed: 2 });
    classifier.eval();
    const context = base.context;
    const length = context + 2; // two chunks; the second sequence ends after 3 tokens
    const ids = Int32Array.from({ length: 2 * length }, (_, i) => (i * 7 + 3) % 12);
    const mask = Float32Array.from({ length: 2 * length }, (_, i) => (i < length || i - length < 3 ? 1 : 0));
    const logits = await (await classifier.forward(ids, [2, length], mask)).data();
    // by hand: the body on each chunk alone, each feature's max over the real positions
    const padded = new Int32Array(4 * context);
    for (let b = 0; b < 2; b++) padded.set(ids.subarray(b * length, (b + 1) * length), b * 2 * context);
    const hidden = await (await classifier.body.hidden(padded, [4, context])).data();
    const dim = base.modelDim;
    const w = await classifier.classifier.data();
    const bias = await classifier.classifierBias.data();
    const expected: number[] = [];
    for (const [b, real] of [[0, length], [1, 3]]) {
      const pooled = new Float32Array(dim).fill(-Infinity);
      for (let t = 0; t < real; t++) for (let d = 0; d < dim; d++) pooled[d] = Math.max(pooled[d], hidden[(b * 2 * context + t) * dim + d]);
      for (let c = 0; c < 2; c++) expected.push(bias[c] + pooled.reduce((sum, v, d) => sum + v * w[d * 2 + c], 0));
    }
    expect(maxAbsDiff(logits, Float32Array.from(expected))).toBeLessThan(1e-5);
    // the padding of the second sequence never wins a max: its tokens get no gradient through the pool
    const trained = new SequenceClassifier({ body: { ...base }, classes: 2, pool: 'max', seed: 2 });
    trained.eval();
    const only = Int32Array.from({ length: 6 }, (_, i) => (i < 3 ? i + 1 : 11)); // id 11 appears only in the padding
    (await trained.loss({ inputs: only, mask: Float32Array.of(1, 1, 1, 0, 0, 0), labels: Int32Array.of(1), batch: 1, length: 6 })).loss.backward();
    const grad = (await trained.body.tokenEmbedding.grad!.data()) as Float32Array;
    expect(grad.subarray(11 * dim, 12 * dim).every((g) => g === 0)).toBe(true);
    expect(grad.subarray(1 * dim, 4 * dim).some((g) => g !== 0)).toBe(true);
  });

  it('lmWeight adds λ × the mean next-token cross-entropy over the real tokens, across chunk boundaries, padding skipped', async () => {
    const lambda = 0.5;
    const config = { body: { ...base, moe: { experts: 4 } }, classes: 2, seed: 3 };
    const withLm = new SequenceClassifier({ ...config, lmWeight: lambda });
    const without = new SequenceClassifier(config);
    for (const m of [withLm, without]) m.eval();
    const context = base.context;
    const length = context + 3; // two chunks; the second sequence has 5 real tokens
    const ids = Int32Array.from({ length: 2 * length }, (_, i) => (i * 5 + 1) % 12);
    const mask = Float32Array.from({ length: 2 * length }, (_, i) => (i < length || i - length < 5 ? 1 : 0));
    const data = { inputs: ids, mask, labels: Int32Array.of(1, 0), batch: 2, length };
    const total = await (await withLm.loss(data)).loss.item();
    const plain = await without.loss(data);
    const classOnly = await plain.loss.item(); // with the MoE auxiliary loss, as the total
    // by hand: the body's logits on each chunk alone; position t predicts id t + 1 where both are real
    const padded = new Int32Array(4 * context);
    for (let b = 0; b < 2; b++) padded.set(ids.subarray(b * length, (b + 1) * length), b * 2 * context);
    const logits = (await (await withLm.body.forward(padded, [4, context])).data()) as Float32Array;
    const vocab = base.vocab;
    let sum = 0;
    let count = 0;
    for (const [b, real] of [[0, length], [1, 5]]) {
      for (let t = 0; t + 1 < real; t++) {
        const row = logits.subarray((b * 2 * context + t) * vocab, (b * 2 * context + t + 1) * vocab);
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
        sum += lse - row[padded[b * 2 * context + t + 1]];
        count++;
      }
    }
    expect(count).toBe(length - 1 + 4);
    expect(Math.abs(total - (classOnly + (lambda * sum) / count))).toBeLessThan(1e-5);
    const metrics = (await withLm.loss(data)).metrics;
    expect(Math.abs(metrics.lmBitsPerToken - sum / count / Math.LN2)).toBeLessThan(1e-5);
    expect(Math.abs(metrics.classLoss - plain.metrics.taskLoss)).toBeLessThan(1e-5);
    expect(() => new SequenceClassifier({ ...config, lmWeight: -1 })).toThrow(/lmWeight = -1/);
  });
}, ['cpu']);

it('invalid configs name the field, the value and what is allowed', () => {
  expect(() => new LanguageModel({ ...base, heads: 3 })).toThrow(ConfigError);
  expect(() => new LanguageModel({ ...base, heads: 3 })).toThrow(/heads = 3 is invalid; allowed: a divisor of modelDim \(8\)/);
  expect(() => new LanguageModel({ ...base, moe: { experts: 4, every: 3 } })).toThrow(/moe.every = 3/);
  expect(() => new LanguageModel({ ...base, dropuot: 0.1 } as LanguageModelConfig)).toThrow(/dropuot/);
  expect(() => new LanguageModel({ ...base, moe: { experts: 4, router: { strategy: 'nope' } } })).toThrow(/nope/);
});
