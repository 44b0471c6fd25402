import { describe, expect, it } from 'vitest';
import { Rng, noGrad, tensor } from '@smoe/tensor';
import { ReMoERouter, validatePlan } from '../index.js';

describe('ReMoE', () => {
  it('routes every token to the experts with a positive ReLU gate, weighted by the gate', async () => {
    const router = new ReMoERouter({ experts: 4, dim: 3, seed: 1 });
    const x = tensor(new Rng(2).normalArray(10 * 3), [10, 3]);
    const plan = await router.route(x, { training: false });
    await validatePlan(plan);
    const s = await router.scorer.score(x, { training: false }).scores.data();
    const w = await plan.weight.data();
    expect(plan.tokenIndex.length).toBe(Array.from(s).filter((v) => v > 0).length);
    plan.tokenIndex.forEach((t, p) => expect(w[p]).toBeCloseTo(s[t * 4 + plan.expertIndex[p]], 6));
  });

  it('the adaptive L1 drives the average number of active experts per token to the target k', async () => {
    const [tokens, dim, experts] = [64, 8, 8];
    const rng = new Rng(3);
    const router = new ReMoERouter({ experts, dim, seed: 4, topK: 2, initStd: 1, gateBias: true });
    const active: number[] = [];
    for (let step = 0; step < 400; step++) {
      const x = tensor(rng.normalArray(tokens * dim), [tokens, dim]);
      const plan = await router.route(x, { training: true });
      active.push(plan.tokenIndex.length / tokens);
      // A task that rewards every open gate with diminishing returns: alone, it opens them all.
      const gates = plan.probabilities!;
      const task = gates.add(1).log().sum(-1).mean().neg();
      task.add(plan.auxLoss!).backward();
      noGrad(() => {
        for (const p of router.parameters()) p.assign(p.sub(p.grad!.mul(0.05)));
      });
      router.zeroGrad();
    }
    expect(active[0]).toBeGreaterThan(3); // about half of the 8 gates are open at the start
    const late = active.slice(-100);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    expect(Math.abs(mean - 2)).toBeLessThan(0.25);
    expect(router.l1Weight).toBeGreaterThan(1e-8);
    expect((await router.routerState()).l1Weight[0]).toBeCloseTo(router.l1Weight, 3);
  });
});
