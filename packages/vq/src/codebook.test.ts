import { describe, expect, it } from 'vitest';
import { Rng, noGrad, tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Codebook, gaussianBlobs, purity } from './index.js';

const DIM = 8;

// Distance from each true centre to the nearest code (host reference on read values).
async function centreErrors(codebook: Codebook, centers: Float32Array): Promise<number[]> {
  const e = await codebook.vectors().data();
  const clusters = centers.length / DIM;
  return Array.from({ length: clusters }, (_, c) => {
    let best = Infinity;
    for (let k = 0; k < codebook.size; k++) {
      let s = 0;
      for (let j = 0; j < DIM; j++) s += (centers[c * DIM + j] - e[k * DIM + j]) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
    return best;
  });
}

describeEachBackend('Codebook on data with known clusters', () => {
  it('k-means init + EMA steps recover the clusters (purity ≥ 0.95)', async () => {
    for (const clusters of [4, 8]) {
      const { x, labels, centers } = gaussianBlobs({ clusters, perCluster: 32, dim: DIM, seed: clusters });
      const codebook = new Codebook({ size: clusters, dim: DIM, kmeansInit: true, ema: { decay: 0.8 }, seed: 1 });
      let last = await codebook.quantize(x, { training: true });
      for (let step = 0; step < 4; step++) last = await codebook.quantize(x, { training: true });
      expect(purity(last.codeIndex, labels)).toBeGreaterThanOrEqual(0.95);
      expect(last.perplexity).toBeGreaterThan(clusters * 0.9);
      for (const error of await centreErrors(codebook, centers)) expect(error).toBeLessThan(0.3);
    }
  });

  it('EMA alone converges from a random codebook (loss falls, codes move onto the centres)', async () => {
    // Overcomplete (8 codes, 4 clusters), so no code has to escape a shared cluster.
    const { x, centers } = gaussianBlobs({ clusters: 4, perCluster: 32, dim: DIM, seed: 2 });
    const codebook = new Codebook({ size: 8, dim: DIM, ema: { decay: 0.7 }, deadCodeThreshold: 1, seed: 3 });
    const first = await (await codebook.quantize(x, { training: true })).commitmentLoss.item();
    let last = first;
    for (let step = 0; step < 25; step++) last = await (await codebook.quantize(x, { training: true })).commitmentLoss.item();
    expect(last).toBeLessThan(first * 0.05);
    expect(Math.max(...(await centreErrors(codebook, centers)))).toBeLessThan(0.5);
  });

  it('EMA without Laplace smoothing also converges; no gradient reaches an EMA codebook', async () => {
    const { x } = gaussianBlobs({ clusters: 4, perCluster: 16, dim: DIM, seed: 5 });
    const codebook = new Codebook({ size: 4, dim: DIM, ema: { decay: 0.5, laplaceSmoothing: false }, kmeansInit: true });
    const input = tensor(await x.data(), x.shape, { requiresGrad: true });
    const result = await codebook.quantize(input, { training: true });
    expect(await result.loss.item()).toBeCloseTo(0.25 * (await result.commitmentLoss.item()), 6);
    result.loss.backward();
    expect(codebook.embeddings.grad).toBeNull();
    expect(input.grad).not.toBeNull();
    for (let step = 0; step < 3; step++) await codebook.quantize(x, { training: true });
    expect(await (await codebook.quantize(x, { training: false })).commitmentLoss.item()).toBeLessThan(0.2);
  });

  it('gradient updates with plain SGD reduce the VQ loss', async () => {
    const { x } = gaussianBlobs({ clusters: 4, perCluster: 32, dim: DIM, seed: 6 });
    const codebook = new Codebook({ size: 4, dim: DIM, seed: 7, kmeansInit: { iterations: 0, seeding: 'random' } });
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      codebook.zeroGrad();
      const { loss } = await codebook.quantize(x, { training: true });
      losses.push(await loss.item());
      loss.backward();
      noGrad(() => codebook.embeddings.assign(codebook.embeddings.sub(codebook.embeddings.grad!.mul(10))));
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    expect(losses.slice(1).every((l, i) => l <= losses[i] + 1e-6)).toBe(true);
  });

  it('dead codes come back to life after restart (dead fraction falls)', async () => {
    const { x } = gaussianBlobs({ clusters: 4, perCluster: 32, dim: DIM, seed: 8 });
    // Every code far from the data: the first wins every input, seven are dead.
    const far = new Float32Array(8 * DIM).fill(50);
    const run = async (deadCodeThreshold: number, ema: boolean): Promise<{ before: number; after: number; restarted: number }> => {
      const codebook = new Codebook({ size: 8, dim: DIM, deadCodeThreshold, ema: ema && { decay: 0.8 }, seed: 9 });
      codebook.embeddings.assign(far);
      if (codebook.embeddingSum) codebook.embeddingSum = tensor(far, [8, DIM]);
      const first = await codebook.quantize(x, { training: true });
      let restarted = 0;
      for (let step = 0; step < 5; step++) restarted += (await codebook.quantize(x, { training: true })).restartedCodes;
      return { before: first.deadFraction, after: codebook.usage().deadFraction, restarted };
    };
    for (const ema of [false, true]) {
      const off = await run(0, ema);
      expect(off.before).toBe(7 / 8);
      expect(off.after).toBe(7 / 8);
      expect(off.restarted).toBe(0);
      const on = await run(1, ema);
      expect(on.before).toBe(7 / 8);
      expect(on.restarted).toBeGreaterThanOrEqual(7);
      expect(on.after).toBeLessThanOrEqual(1 / 8);
    }
  });
});

describe('Codebook behaviour', () => {
  it('cosine distance: unit-norm quantized vectors, spherical k-means recovers directions', async () => {
    const { x, labels } = gaussianBlobs({ clusters: 4, perCluster: 32, dim: DIM, seed: 10 });
    const codebook = new Codebook({ size: 4, dim: DIM, distance: 'cosine', kmeansInit: true });
    const result = await codebook.quantize(x, { training: true });
    expect(purity(result.codeIndex, labels)).toBeGreaterThanOrEqual(0.95);
    const q = await result.quantized.data();
    for (let i = 0; i < 8; i++) expect(Math.hypot(...q.subarray(i * DIM, i * DIM + DIM))).toBeCloseTo(1, 4);
  });

  it('evaluation mode changes no state; training mode follows the module flag', async () => {
    const { x } = gaussianBlobs({ clusters: 4, perCluster: 8, dim: DIM });
    const codebook = new Codebook({ size: 4, dim: DIM, ema: true, kmeansInit: true, deadCodeThreshold: 1 });
    const before = await codebook.embeddings.data();
    codebook.eval();
    await codebook.quantize(x);
    expect(await codebook.embeddings.data()).toEqual(before);
    expect(codebook.initialised).toBe(false);
    expect(codebook.usage().counts.every((c) => c === 0)).toBe(true);
    codebook.train();
    await codebook.quantize(x);
    expect(codebook.initialised).toBe(true);
    expect(await codebook.embeddings.data()).not.toEqual(before);
  });

  it('the same seed gives the same codebook; state saves and restores', async () => {
    const { x } = gaussianBlobs({ clusters: 4, perCluster: 8, dim: DIM });
    const a = new Codebook({ size: 6, dim: DIM, seed: 42, ema: true, deadCodeThreshold: 2 });
    const b = new Codebook({ size: 6, dim: DIM, seed: 42, ema: true, deadCodeThreshold: 2 });
    expect(await a.embeddings.data()).toEqual(await b.embeddings.data());
    await a.quantize(x, { training: true });
    b.loadStateDict(a.stateDict());
    b.loadState(await a.saveState());
    const [ra, rb] = [await a.quantize(x, { training: true }), await b.quantize(x, { training: true })];
    expect(Array.from(ra.codeIndex)).toEqual(Array.from(rb.codeIndex));
    expect(await a.embeddings.data()).toEqual(await b.embeddings.data());
    expect(a.usage()).toEqual(b.usage());
    expect(a.parameters()).toEqual([a.embeddings]);
  });

  it('lookup returns code vectors for any shape of codes', async () => {
    const codebook = new Codebook({ size: 5, dim: 3 });
    const codes = tensor(Int32Array.from([4, 0, 2, 2]), [2, 2]);
    const vectors = codebook.lookup(codes);
    expect(vectors.shape).toEqual([2, 2, 3]);
    const e = await codebook.embeddings.data();
    expect(Array.from((await vectors.data()).subarray(0, 3))).toEqual(Array.from(e.subarray(12, 15)));
  });

  it('batch perplexity comes from the batch assignment', async () => {
    const codebook = new Codebook({ size: 4, dim: 2 });
    const e = Float32Array.from([0, 0, 10, 0, 0, 10, 10, 10]);
    codebook.embeddings.assign(e);
    // Two inputs at code 0, one at code 1, one at code 2: p = (1/2, 1/4, 1/4, 0).
    const x = tensor([[0.1, 0], [0, 0.1], [9.9, 0], [0, 9.9]]);
    const result = await codebook.quantize(x, { training: false });
    expect(Array.from(result.codeIndex)).toEqual([0, 0, 1, 2]);
    expect(result.perplexity).toBeCloseTo(2 ** 1.5, 6);
    const rng = new Rng(0);
    const noise = tensor(rng.normalArray(8), [4, 2]);
    expect((await codebook.quantize(noise, { training: false })).perplexity).toBeGreaterThanOrEqual(1);
  });
});
