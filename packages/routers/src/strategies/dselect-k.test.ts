import { describe, expect, it } from 'vitest';
import { Rng, noGrad, tensor } from '@smoe/tensor';
import { DSelectKRouter, RouterConfigError, createRouter, denseWeights, selectorDistributions, smoothStep, validatePlan } from '../index.js';

describe('DSelect-k', () => {
  it('smooth-step: exactly 0 and 1 outside [−γ/2, γ/2], the cubic inside', async () => {
    const gamma = 2;
    const s = await smoothStep(tensor(Float32Array.of(-3, -1, -0.5, 0, 0.5, 1, 3)), gamma).data();
    // S(t) = −2t³/γ³ + 3t/(2γ) + 1/2: S(±γ/4) = 1/2 ± (3/8 − 1/32).
    expect(Array.from(s)).toEqual([0, 0, expect.closeTo(0.15625, 6), 0.5, expect.closeTo(0.84375, 6), 1, 1]);
  });

  it('a selector is a distribution over 2^m experts, one-hot at the binary code when its bits are 0 or 1', async () => {
    const s = tensor(Float32Array.of(0.3, 0.9, 0.5, 1, 0, 1), [1, 2, 3]); // two selectors, m = 3
    const r = await selectorDistributions(s).data();
    expect(Array.from(r.slice(0, 8)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(r[0b011]).toBeCloseTo(0.3 * 0.9 * 0.5, 6); // bit l of j set: S(z_l), else 1 − S(z_l)
    expect(Array.from(r.slice(8))).toEqual([0, 0, 0, 0, 0, 1, 0, 0]); // bits (1, 0, 1) → expert 5
  });

  it('converges to exactly k non-zero gates per token under its entropy regulariser', async () => {
    const [tokens, dim, experts] = [8, 4, 8];
    const values = new Rng(1).normalArray(tokens * dim, 0, 1);
    for (let t = 0; t < tokens; t++) values[t * dim] = 1; // a constant feature
    const x = tensor(values, [tokens, dim]);
    // The target mixes experts 2 and 5 equally: the gate q is learned to 0.5·e₂ + 0.5·e₅.
    const target = tensor(Float32Array.from({ length: tokens * experts }, (_, i) => (i % experts === 2 || i % experts === 5 ? 0.5 : 0)), [tokens, experts]);
    const router = new DSelectKRouter({ experts, dim, seed: 2, topK: 2, entropyLossWeight: 0.05 });
    const before = await router.route(x, { training: true });
    expect(before.tokenIndex.length).toBeGreaterThan(2 * tokens); // dense at the start
    for (let step = 0; step < 300; step++) {
      const plan = await router.route(x, { training: true });
      const loss = denseWeights(plan).sub(target).square().sum(-1).mean().add(plan.auxLoss!);
      loss.backward();
      noGrad(() => {
        for (const p of router.parameters()) p.assign(p.sub(p.grad!.mul(2)));
      });
      router.zeroGrad();
    }
    const plan = await router.route(x, { training: false });
    await validatePlan(plan);
    expect(plan.tokenIndex.length).toBe(2 * tokens);
    expect(new Set(plan.expertIndex)).toEqual(new Set([2, 5]));
    const w = await plan.weight.data();
    const perToken = new Float64Array(tokens);
    plan.tokenIndex.forEach((t, p) => (perToken[t] += w[p]));
    for (const total of perToken) expect(total).toBeCloseTo(1, 5);
    expect(Math.abs(await plan.losses.selectorEntropy.item())).toBe(0); // every selector one-hot
  });

  it('refuses a number of experts that is not a power of two', () => {
    expect(() => createRouter({ strategy: 'dselectK', experts: 6, dim: 3 })).toThrow(RouterConfigError);
  });
});
