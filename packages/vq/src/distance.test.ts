import { expect, it } from 'vitest';
import { Rng, tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Codebook } from './index.js';

const [N, K, D] = [23, 7, 6];

// Host references: brute-force distances over every (input, code) pair.
function bruteDistances(x: Float32Array, e: Float32Array, distance: 'l2' | 'cosine'): number[][] {
  const norm = (v: Float32Array, r: number): number => Math.sqrt(Array.from(v.subarray(r * D, r * D + D)).reduce((s, a) => s + a * a, 0));
  return Array.from({ length: N }, (_, i) =>
    Array.from({ length: K }, (_, k) => {
      let s = 0;
      for (let j = 0; j < D; j++) s += distance === 'l2' ? (x[i * D + j] - e[k * D + j]) ** 2 : x[i * D + j] * e[k * D + j];
      return distance === 'l2' ? s : 1 - s / (norm(x, i) * norm(e, k));
    }),
  );
}

describeEachBackend('nearest code', () => {
  for (const distance of ['l2', 'cosine'] as const) {
    it(`matches a brute-force search (${distance})`, async () => {
      const codebook = new Codebook({ size: K, dim: D, distance, seed: 3 });
      const xs = new Rng(11).normalArray(N * D);
      const codes = (await codebook.nearest(tensor(xs, [N, D])).data()) as Int32Array;
      expect(codes).toBeInstanceOf(Int32Array);
      expect(codes.length).toBe(N);
      const reference = bruteDistances(xs, (await codebook.embeddings.data()) as Float32Array, distance);
      for (let i = 0; i < N; i++) {
        const best = Math.min(...reference[i]);
        const exact = reference[i].indexOf(best);
        // Same code, or a near tie that float32 rounding may break either way.
        if (codes[i] !== exact) expect(reference[i][codes[i]] - best).toBeLessThan(1e-4);
      }
      const computed = await codebook.distances(tensor(xs, [N, D])).data();
      for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) expect(computed[i * K + k]).toBeCloseTo(reference[i][k], 3);
    });
  }

  it('quantize returns the nearest code vectors forward', async () => {
    const codebook = new Codebook({ size: K, dim: D, seed: 5 });
    const x = tensor(new Rng(2).normalArray(N * D), [N, D]);
    const result = await codebook.quantize(x, { training: false });
    expect(Array.from(result.codeIndex)).toEqual(Array.from((await codebook.nearest(x).data()) as Int32Array));
    const q = await result.quantized.data();
    const e = await codebook.embeddings.data();
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) expect(q[i * D + j]).toBeCloseTo(e[result.codeIndex[i] * D + j], 5);
  });
});
