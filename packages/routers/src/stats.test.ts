// Routing statistics and fluctuation.
import { describe, expect, it } from 'vitest';
import { tensor } from '@smoe/tensor';
import { routingFluctuation, routingStats, tokenChoiceSelect, topExpert, usmoeSelect } from './index.js';

describe('routing statistics', () => {
  it('load, its CV, entropies, experts per token, drops and unrouted tokens', async () => {
    // top-1: tokens 0, 1 → expert 0; token 2 → expert 1; expert 2 idle.
    const plan = await tokenChoiceSelect(
      tensor([
        [2, 0, 0],
        [3, 0, 0],
        [0, 1, 0],
      ]),
      { topK: 1, weighting: 'softmax' }
    );
    const stats = await routingStats(plan);
    expect(Array.from(stats.load)).toEqual([2, 1, 0]);
    const mean = 1;
    const std = Math.sqrt(((2 - mean) ** 2 + 0 + (0 - mean) ** 2) / 3);
    expect(stats.loadCv).toBeCloseTo(std / mean, 6);
    expect(stats.loadEntropy).toBeCloseTo(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3), 6);
    expect(stats.maxLoadRatio).toBe(2);
    expect(stats.expertsPerToken).toBe(1);
    expect(stats.droppedFraction).toBe(0);
    expect(stats.unroutedTokens).toBe(0);
    const rowEntropy = (row: number[]): number => {
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      return -row.reduce((s, v) => s + (Math.exp(v) / z) * Math.log(Math.exp(v) / z), 0);
    };
    expect(stats.routingEntropy).toBeCloseTo((rowEntropy([2, 0, 0]) + rowEntropy([3, 0, 0]) + rowEntropy([0, 1, 0])) / 3, 5);
    expect(plan.stats.loadCv).toBeCloseTo(stats.loadCv, 6);
  });

  it('counts tokens with no expert and dropped pairs', async () => {
    const plan = await usmoeSelect(
      tensor([
        [-3, -3],
        [3, 2],
      ]),
      { topK: 1 }
    );
    const stats = await routingStats(plan);
    expect(stats.unroutedTokens).toBe(1);
    expect(stats.unroutedFraction).toBe(0.5);
    expect(stats.expertsPerToken).toBe(1);
    const capped = await tokenChoiceSelect(
      tensor([
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 0],
      ]),
      { topK: 1, capacity: 1 }
    );
    expect((await routingStats(capped)).droppedFraction).toBe(0.75);
  });

  it('top-1 experts and routing fluctuation between checkpoints', async () => {
    const before = await topExpert(
      await tokenChoiceSelect(
        tensor([
          [2, 0],
          [0, 2],
          [1, 0],
          [0, 1],
        ]),
        { topK: 1 }
      )
    );
    const after = await topExpert(
      await tokenChoiceSelect(
        tensor([
          [2, 0],
          [0, 2],
          [0, 1],
          [0, 1],
        ]),
        { topK: 1 }
      )
    );
    expect(Array.from(before)).toEqual([0, 1, 0, 1]);
    expect(routingFluctuation(before, after)).toBe(0.25);
    expect(routingFluctuation(before, before)).toBe(0);
    expect(() => routingFluctuation(before, after.slice(1))).toThrow(/4 tokens before but 3 after/);
  });
});
