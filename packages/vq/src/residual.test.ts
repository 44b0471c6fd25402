import { expect, it } from 'vitest';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Rng, tensor } from '@smoe/tensor';
import { ResidualVQ, combineCodes } from './index.js';

const [N, D, LEVELS] = [96, 6, 4];
const xs = new Rng(21).normalArray(N * D);

describeEachBackend('ResidualVQ', () => {
  it('reconstruction error falls with every level', async () => {
    const rvq = new ResidualVQ({ levels: LEVELS, size: 8, dim: D, kmeansInit: true, seed: 1 });
    const result = await rvq.quantize(tensor(xs, [N, D]), { training: true });
    const partial = new Float32Array(N * D);
    const errors: number[] = [];
    for (const part of result.parts) {
      const q = await part.codewords.data();
      let err = 0;
      for (let i = 0; i < N * D; i++) {
        partial[i] += q[i];
        err += (xs[i] - partial[i]) ** 2;
      }
      errors.push(err / (N * D));
    }
    for (let l = 1; l < LEVELS; l++) expect(errors[l]).toBeLessThan(errors[l - 1]);
    expect(errors[LEVELS - 1]).toBeLessThan(errors[0] * 0.7);
    // The combined forward value is the sum of the levels' codes.
    const q = await result.quantized.data();
    partial.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 4));
  });

  it('codes are [N, levels]; decode reproduces the codewords; losses add up', async () => {
    const rvq = new ResidualVQ({ levels: 3, size: 5, dim: D });
    const x = tensor(xs, [N, D], { requiresGrad: true });
    const result = await rvq.quantize(x, { training: false });
    expect(result.codes.shape).toEqual([N, 3]);
    expect(result.codes.dtype).toBe('int32');
    expect(result.codeIndex.length).toBe(N * 3);
    expect(Array.from(result.codeIndex.subarray(0, 3))).toEqual(result.parts.map((p) => p.codeIndex[0]));
    const decoded = await rvq.decode(result.codes).data();
    const codewords = await result.codewords.data();
    decoded.forEach((v, i) => expect(v).toBeCloseTo(codewords[i], 5));
    const parts = await Promise.all(result.parts.map((p) => p.loss.item()));
    expect(await result.loss.item()).toBeCloseTo(parts.reduce((a, b) => a + b), 5);
    expect(combineCodes(result.codeIndex, [5, 5, 5]).every((c) => c >= 0 && c < 125)).toBe(true);
    // Standard STE on the sum: gradient 1 to x.
    result.quantized.sum().backward();
    for (const g of await x.grad!.data()) expect(g).toBeCloseTo(1, 6);
  });

  it('commitment losses reach x; codebook losses reach every level', async () => {
    const rvq = new ResidualVQ({ levels: 2, size: 4, dim: D });
    const x = tensor(xs, [N, D], { requiresGrad: true });
    const { loss } = await rvq.quantize(x, { training: false });
    loss.backward();
    expect(x.grad).not.toBeNull();
    for (const codebook of rvq.codebooks) expect(codebook.embeddings.grad).not.toBeNull();
    expect(rvq.parameters().length).toBe(2);
    expect(rvq.usage().length).toBe(2);
  });
});
