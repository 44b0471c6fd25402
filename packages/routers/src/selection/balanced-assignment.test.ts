import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@smoe/tensor';
import { BaseLayerRouter, balancedAssignment, balancedAssignmentSelect, validatePlan } from '../index.js';

/** The best total score over every assignment with at most `capacity` tokens per expert (exhaustive). */
function bruteForce(scores: Float32Array, tokens: number, experts: number, capacity: number): number {
  const load = new Int32Array(experts);
  let best = -Infinity;
  const visit = (t: number, total: number): void => {
    if (t === tokens) {
      best = Math.max(best, total);
      return;
    }
    for (let e = 0; e < experts; e++) {
      if (load[e] === capacity) continue;
      load[e]++;
      visit(t + 1, total + scores[t * experts + e]);
      load[e]--;
    }
  };
  visit(0, 0);
  return best;
}

describe('balanced assignment (BASE layers)', () => {
  it('finds the optimal assignment: the exhaustive optimum on random and tied scores', () => {
    const rng = new Rng(1);
    for (const [tokens, experts] of [[6, 3], [8, 4], [7, 3], [9, 2], [8, 2]] as const) {
      for (let trial = 0; trial < 6; trial++) {
        const scores = rng.normalArray(tokens * experts, 0, 1);
        if (trial % 3 === 2) for (let i = 0; i < scores.length; i++) scores[i] = Math.round(scores[i]);
        const capacity = Math.ceil(tokens / experts);
        const a = balancedAssignment(scores, tokens, experts);
        const load = new Int32Array(experts);
        let total = 0;
        for (let t = 0; t < tokens; t++) {
          load[a[t]]++;
          total += scores[t * experts + a[t]];
        }
        expect(Math.max(...load)).toBeLessThanOrEqual(capacity);
        expect(total).toBeCloseTo(bruteForce(scores, tokens, experts, capacity), 4);
      }
    }
  });

  it('gives every expert exactly T/N tokens in training, even when every token prefers one expert', async () => {
    const tokens = 64;
    const experts = 8;
    const values = new Rng(2).normalArray(tokens * experts, 0, 1);
    for (let t = 0; t < tokens; t++) values[t * experts] += 10; // expert 0 is everyone's first choice
    const plan = await balancedAssignmentSelect(tensor(values, [tokens, experts]));
    await validatePlan(plan);
    expect(Array.from(plan.counts)).toEqual(new Array(experts).fill(tokens / experts));
    expect(plan.unroutedTokens).toBe(0);
    expect(plan.tokenIndex.length).toBe(tokens);
  });

  it('the router: exact balance in training, greedy top-1 at evaluation, σ(s) weights that train the gate', async () => {
    const router = new BaseLayerRouter({ experts: 4, dim: 3, seed: 3, gateBias: true });
    router.scorer.bias = tensor(Float32Array.of(3, 0, 0, 0), [4], { requiresGrad: true });
    const x = tensor(new Rng(4).normalArray(16 * 3), [16, 3]);
    const trained = await router.route(x, { training: true });
    expect(Array.from(trained.counts)).toEqual([4, 4, 4, 4]);
    trained.weight.sum().backward();
    expect(router.scorer.weight.grad).not.toBeNull();
    const scores = await router.scorer.score(x).scores.data();
    const evaluated = await router.route(x, { training: false });
    const w = await evaluated.weight.data();
    evaluated.tokenIndex.forEach((t, p) => {
      const row = Array.from(scores.slice(t * 4, t * 4 + 4));
      expect(evaluated.expertIndex[p]).toBe(row.indexOf(Math.max(...row)));
      expect(w[p]).toBeCloseTo(1 / (1 + Math.exp(-Math.max(...row))), 5);
    });
    expect(evaluated.counts[0]).toBeGreaterThan(4);
  });
});
