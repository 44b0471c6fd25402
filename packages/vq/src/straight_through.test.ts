import { describe, expect, it } from 'vitest';
import { Rng, gradcheck, indexSelect, tensor, type Tensor } from '@smoe/tensor';
import { Codebook, l2Normalize, straightThrough, vqLosses } from './index.js';

const rng = new Rng(4);
const [N, D] = [5, 3];
const xs = rng.normalArray(N * D);
const qs = rng.normalArray(N * D);
const leaf = (values: Float32Array, shape: number[]): Tensor => tensor(values, shape, { requiresGrad: true });

describe('straight-through estimators', () => {
  it('standard: forward value q, gradient 1 to x, none to q', async () => {
    const x = leaf(xs, [N, D]);
    const q = leaf(qs, [N, D]);
    const out = straightThrough(x, q);
    const values = await out.data();
    qs.forEach((v, i) => expect(values[i]).toBeCloseTo(v, 5));
    out.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual(new Array(N * D).fill(1));
    expect(q.grad).toBeNull();
  });

  it('damped: forward (1 − 2c)·x + c·q, gradient 1 − c to x', async () => {
    const c = 0.05;
    const x = leaf(xs, [N, D]);
    const out = straightThrough(x, tensor(qs, [N, D]), { mode: 'damped', dampRate: c });
    const values = await out.data();
    xs.forEach((v, i) => expect(values[i]).toBeCloseTo((1 - 2 * c) * v + c * qs[i], 5));
    out.sum().backward();
    for (const g of await x.grad!.data()) expect(g).toBeCloseTo(1 - c, 6);
  });

  it('flows through Codebook.quantize per the configured estimator', async () => {
    for (const [mode, expected] of [['standard', 1], ['damped', 0.9]] as const) {
      const codebook = new Codebook({ size: 4, dim: D, straightThrough: mode, dampRate: 0.1 });
      const x = leaf(xs, [N, D]);
      const { quantized } = await codebook.quantize(x, { training: false });
      quantized.sum().backward();
      for (const g of await x.grad!.data()) expect(g).toBeCloseTo(expected, 6);
      expect(codebook.embeddings.grad).toBeNull();
    }
  });
});

describe('VQ losses', () => {
  const codes = tensor(Int32Array.from([0, 2, 1, 2, 0]));
  const table = rng.normalArray(3 * D);

  it('codebook loss: gradcheck to the codebook; commitment loss: gradcheck to x', async () => {
    const e = leaf(table, [3, D]);
    const x = leaf(xs, [N, D]);
    const codebookLoss = await gradcheck((t) => vqLosses(tensor(xs, [N, D]), indexSelect(t, 0, codes)).codebookLoss, [e]);
    expect(codebookLoss.ok, JSON.stringify(codebookLoss.worst)).toBe(true);
    const commitment = await gradcheck((t) => vqLosses(t, indexSelect(tensor(table, [3, D]), 0, codes)).commitmentLoss, [x]);
    expect(commitment.ok, JSON.stringify(commitment.worst)).toBe(true);
  });

  it('codebook loss through l2-normalised codes (cosine): gradcheck', async () => {
    const e = leaf(table, [3, D]);
    const target = l2Normalize(tensor(xs, [N, D]));
    const result = await gradcheck((t) => vqLosses(target, indexSelect(l2Normalize(t), 0, codes)).codebookLoss, [e]);
    expect(result.ok, JSON.stringify(result.worst)).toBe(true);
  });

  it('codebook loss gradient sg stops: none to x; commitment: none to the codebook', async () => {
    const e = leaf(table, [3, D]);
    const x = leaf(xs, [N, D]);
    const { codebookLoss, commitmentLoss } = vqLosses(x, indexSelect(e, 0, codes));
    codebookLoss.backward();
    expect(x.grad).toBeNull();
    e.grad = null;
    commitmentLoss.backward();
    expect(e.grad).toBeNull();
  });

  it('Codebook.quantize: loss = codebook + β·commitment, codebook gradient −2Σ(x − e_k)/(N·D)', async () => {
    const codebook = new Codebook({ size: 3, dim: D, commitmentWeight: 0.25 });
    const x = tensor(xs, [N, D]);
    const result = await codebook.quantize(x, { training: false });
    const [loss, cb, commit] = await Promise.all([result.loss.item(), result.codebookLoss.item(), result.commitmentLoss.item()]);
    expect(loss).toBeCloseTo(cb + 0.25 * commit, 6);
    expect(cb).toBeCloseTo(commit, 6);
    result.loss.backward();
    const grad = await codebook.embeddings.grad!.data();
    const e = await codebook.embeddings.data();
    const expected = new Float32Array(3 * D);
    result.codeIndex.forEach((k, i) => {
      for (let j = 0; j < D; j++) expected[k * D + j] += (-2 * (xs[i * D + j] - e[k * D + j])) / (N * D);
    });
    expected.forEach((v, i) => expect(grad[i]).toBeCloseTo(v, 5));
  });
});
