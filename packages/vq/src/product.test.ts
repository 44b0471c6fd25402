import { expect, it } from 'vitest';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Rng, slice, tensor } from '@smoe/tensor';
import { ProductVQ, combineCodes, gaussianBlobs, purity } from './index.js';

const [N, D, H] = [24, 8, 4];
const xs = new Rng(31).normalArray(N * D);

describeEachBackend('ProductVQ', () => {
  for (const sharedCodebook of [false, true]) {
    it(`shapes, codes and round trip (sharedCodebook ${sharedCodebook})`, async () => {
      const pvq = new ProductVQ({ heads: H, size: 6, dim: D, sharedCodebook });
      expect(pvq.codebooks.length).toBe(sharedCodebook ? 1 : H);
      expect(pvq.headDim).toBe(2);
      const x = tensor(xs, [N, D], { requiresGrad: true });
      const result = await pvq.quantize(x, { training: false });
      expect(result.quantized.shape).toEqual([N, D]);
      expect(result.codes.shape).toEqual([N, H]);
      expect(result.codeIndex.length).toBe(N * H);
      expect(Array.from((await result.codes.data()) as Int32Array)).toEqual(Array.from(result.codeIndex));
      // Head h's code is that head's nearest code.
      for (let h = 0; h < H; h++) {
        const codebook = pvq.codebooks[sharedCodebook ? 0 : h];
        const nearest = (await codebook.nearest(slice(tensor(xs, [N, D]), 1, h * 2, 2)).data()) as Int32Array;
        nearest.forEach((c, i) => expect(result.codeIndex[i * H + h]).toBe(c));
      }
      const decoded = await pvq.decode(result.codes).data();
      const q = await result.quantized.data();
      decoded.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 5));
      const combined = combineCodes(result.codeIndex, new Array(H).fill(6));
      expect(combined.every((c) => Number.isInteger(c) && c < 6 ** H)).toBe(true);
      result.quantized.sum().backward();
      for (const g of await x.grad!.data()) expect(g).toBeCloseTo(1, 6);
    });
  }

  it('loss is the per-element mean over all heads', async () => {
    const pvq = new ProductVQ({ heads: 2, size: 3, dim: D });
    const x = tensor(xs, [N, D]);
    const result = await pvq.quantize(x, { training: false });
    const q = await result.codewords.data();
    let mse = 0;
    xs.forEach((v, i) => (mse += (v - q[i]) ** 2));
    expect(await result.commitmentLoss.item()).toBeCloseTo(mse / (N * D), 5);
  });

  it('learns product clusters with k-means init', async () => {
    // Each head sees 4 clusters; the heads' clusters are independent.
    const a = gaussianBlobs({ clusters: 4, perCluster: 16, dim: 4, seed: 1 });
    const b = gaussianBlobs({ clusters: 4, perCluster: 16, dim: 4, seed: 2 });
    const values = new Float32Array(64 * 8);
    for (let i = 0; i < 64; i++) {
      values.set(a.values.subarray(i * 4, i * 4 + 4), i * 8);
      values.set(b.values.subarray(i * 4, i * 4 + 4), i * 8 + 4);
    }
    const pvq = new ProductVQ({ heads: 2, size: 4, dim: 8, kmeansInit: true });
    const result = await pvq.quantize(tensor(values, [64, 8]), { training: true });
    const head = (h: number): number[] => Array.from({ length: 64 }, (_, i) => result.codeIndex[i * 2 + h]);
    expect(purity(head(0), a.labels)).toBeGreaterThanOrEqual(0.95);
    expect(purity(head(1), b.labels)).toBeGreaterThanOrEqual(0.95);
  });
});
