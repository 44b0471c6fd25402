import { expect, it, vi } from 'vitest';
import { Rng, randn, tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel } from './language_model.js';
import { MoEPlusPlusLayer } from './moe_plus_plus.js';

const dim = 4;
const tokens = 16;

/** Tokens whose first feature is 1 and the rest noise; `route` sets the gate so the first feature picks an expert per token half. */
function inputs(seed: number): Float32Array {
  const x = new Rng(seed).normalArray(tokens * dim, 0, 0.1);
  for (let t = 0; t < tokens; t++) x[t * dim] = t < tokens / 2 ? 1 : -1;
  return x;
}

/** A gate [dim, total] whose first row sends the first half of the tokens to `first` and the second half to `second`. */
function steer(layer: MoEPlusPlusLayer, first: number, second: number): void {
  const gate = new Float32Array(dim * layer.totalExperts);
  gate[first] = 20;
  gate[second] = -20;
  layer.gate.assign(gate);
}

describeEachBackend('MoE++ zero-computation experts', () => {
  it('a token routed to a null expert runs no FFN: no expert rows, zero output, and the statistics say so', async () => {
    const layer = new MoEPlusPlusLayer({ dim, expertDim: 8, experts: 4, nullExperts: 1, copyExperts: 0, constantExperts: 0, topK: 1, gatingResidual: false }, { rng: new Rng(1) });
    const rows: number[] = [];
    const forward = layer.experts.forward.bind(layer.experts);
    vi.spyOn(layer.experts, 'forward').mockImplementation((r, e) => (rows.push(r.shape[0]), forward(r, e)));
    // First half → null expert (index 4), second half → FFN expert 0.
    steer(layer, 4, 0);
    const y = await (await layer.forward(tensor(inputs(2), [tokens, dim]))).data();
    expect(rows).toEqual([tokens / 2]);
    expect(Math.max(...Array.from(y.slice(0, (tokens / 2) * dim), Math.abs))).toBe(0);
    expect(layer.lastStats!.expertRunsPerToken).toBe(0.5);
    expect(layer.lastStats!.strategy.nullShare).toBe(0.5);
    expect(layer.lastStats!.expertsPerToken).toBe(1);
    // Every token to the null expert: the FFN never runs.
    rows.length = 0;
    const x = inputs(3).map((v, i) => (i % dim === 0 ? 1 : v)); // every first feature 1 → every token to the null expert
    const z = await (await layer.forward(tensor(x, [tokens, dim]))).data();
    expect(rows).toEqual([]);
    expect(Math.max(...Array.from(z, Math.abs))).toBe(0);
    expect(layer.lastStats!.expertRunsPerToken).toBe(0);
  });

  it('copy and constant experts: w·x and w·(a₁x + a₂v) with [a₁, a₂] = softmax(x·W_c)', async () => {
    const layer = new MoEPlusPlusLayer({ dim, expertDim: 8, experts: 2, nullExperts: 0, copyExperts: 1, constantExperts: 1, topK: 1, gatingResidual: false }, { rng: new Rng(4) });
    steer(layer, 2, 3); // first half → copy (2), second half → constant (3)
    const xs = inputs(5);
    const y = await (await layer.forward(tensor(xs, [tokens, dim]))).data();
    const plan = layer.lastPlan!;
    const w = await plan.weight.data();
    const weightOf = new Float32Array(tokens);
    plan.tokenIndex.forEach((t, p) => (weightOf[t] = w[p]));
    expect(Math.min(...weightOf)).toBeGreaterThan(0.99); // softmax over all 4 experts, one far ahead
    const wc = await layer.constantGate!.data(); // [1, dim, 2]
    const v = await layer.constantVectors!.data();
    const expected = new Float32Array(tokens * dim);
    for (let t = 0; t < tokens; t++) {
      const row = xs.slice(t * dim, (t + 1) * dim);
      if (t < tokens / 2) {
        for (let c = 0; c < dim; c++) expected[t * dim + c] = weightOf[t] * row[c];
        continue;
      }
      const logits = [0, 1].map((j) => row.reduce((s, value, c) => s + value * wc[c * 2 + j], 0));
      const a = logits.map((l) => Math.exp(l) / (Math.exp(logits[0]) + Math.exp(logits[1])));
      for (let c = 0; c < dim; c++) expected[t * dim + c] = weightOf[t] * (a[0] * row[c] + a[1] * v[c]);
    }
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
    expect(layer.lastStats!.expertRunsPerToken).toBe(0);
  });

  it('gating residual: the second layer adds the first layer\'s scores through W_res, and W_res trains', async () => {
    const model = new LanguageModel({ vocab: 12, context: 8, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 2, moe: { experts: 4, zeroComputation: {} } });
    const [first, second] = model.body.mixtureLayers().map(({ moe }) => moe as MoEPlusPlusLayer);
    second.residualGate!.assign(randn([8, 8], 1, { rng: new Rng(6) }));
    const inputsOfSecond: Tensor[] = [];
    const forward = second.forward.bind(second);
    vi.spyOn(second, 'forward').mockImplementation((x, context) => (inputsOfSecond.push(x), forward(x, context)));
    const ids = Int32Array.from({ length: 16 }, (_, i) => (i * 5) % 12);
    const result = await model.loss({ inputs: ids, targets: ids.map((i) => (i + 1) % 12), batch: 2, context: 8 });
    // G₂ = x₂·W₂ + G₁·W_res
    const expected = inputsOfSecond[0].matmul(second.gate).add(first.lastScores!.matmul(second.residualGate!));
    expect(maxAbsDiff(await expected.data(), await second.lastScores!.data())).toBeLessThan(1e-5);
    expect(maxAbsDiff(await first.lastScores!.matmul(second.residualGate!).data(), new Float32Array(16 * 8))).toBeGreaterThan(1e-2);
    result.loss.backward();
    expect(second.residualGate!.grad).not.toBeNull();
    expect(first.residualGate!.grad).toBeNull(); // the first MoE++ layer has no previous scores
    expect(result.metrics['routing.expertRunsPerToken']).toBeLessThanOrEqual(2);
  });
}, ['cpu']);
