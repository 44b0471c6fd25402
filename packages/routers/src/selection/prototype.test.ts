import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@smoe/tensor';
import { ExpertPrototypingRouter, RouterConfigError, createRouter, prototypeSelect, validatePlan } from '../index.js';

describe('expert prototyping (M6-T)', () => {
  it('gives every token the top-1 expert of each group, weighted by the group softmax', async () => {
    const [tokens, experts, groups] = [10, 6, 3];
    const values = new Rng(1).normalArray(tokens * experts, 0, 2);
    const plan = await prototypeSelect(tensor(values, [tokens, experts]), { groups });
    await validatePlan(plan);
    const w = await plan.weight.data();
    for (let t = 0; t < tokens; t++) {
      const mine = Array.from(plan.tokenIndex).flatMap((u, p) => (u === t ? [p] : []));
      expect(mine.map((p) => Math.floor(plan.expertIndex[p] / 2))).toEqual([0, 1, 2]);
      for (const p of mine) {
        const g = Math.floor(plan.expertIndex[p] / 2);
        const pair = [values[t * experts + 2 * g], values[t * experts + 2 * g + 1]];
        const chosen = values[t * experts + plan.expertIndex[p]];
        expect(chosen).toBe(Math.max(...pair));
        expect(w[p]).toBeCloseTo(Math.exp(chosen) / (Math.exp(pair[0]) + Math.exp(pair[1])), 5);
      }
    }
  });

  it('its balance loss is the mean of the groups\' Switch losses, and groups must divide the experts', async () => {
    const router = new ExpertPrototypingRouter({ experts: 4, dim: 3, seed: 2, groups: 2 });
    const x = tensor(new Rng(3).normalArray(12 * 3), [12, 3]);
    const plan = await router.route(x, { training: true });
    const p = await (plan.probabilities as ReturnType<typeof tensor>).data();
    let expected = 0;
    for (const g of [0, 1]) {
      let group = 0;
      for (const e of [2 * g, 2 * g + 1]) {
        let meanP = 0;
        for (let t = 0; t < 12; t++) meanP += p[t * 4 + e] / 12;
        group += 2 * (plan.counts[e] / 12) * meanP;
      }
      expected += group / 2;
    }
    expect(await plan.losses.balance.item()).toBeCloseTo(expected, 5);
    expect(() => createRouter({ strategy: 'expertPrototyping', experts: 6, dim: 3, groups: 4 })).toThrow(RouterConfigError);
  });
});
