// Property tests on random score matrices: the plan invariants of every selection rule, and
// USMoE's optimality (its selected unified-score sum is at least token choice's and expert
// choice's at the same budget c).
import { describe, expect, it } from 'vitest';
import { Rng, tensor, type Tensor } from '@smoe/tensor';
import { expertChoiceSelect, tokenChoiceSelect, topPSelect, unifiedScore, usmoeBudget, usmoeSelect, validatePlan, type RoutingPlan } from './index.js';

interface Case {
  tokens: number;
  experts: number;
  scores: Tensor;
  values: Float32Array;
}

/** Random [tokens, experts] matrices; some rounded to create ties. */
function cases(count: number, seed: number, shapes: Array<[number, number]>): Case[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const [tokens, experts] = shapes[i % shapes.length];
    const values = rng.normalArray(tokens * experts, 0, 2);
    if (i % 3 === 2) for (let j = 0; j < values.length; j++) values[j] = Math.round(values[j]);
    return { tokens, experts, scores: tensor(values, [tokens, experts]), values };
  });
}

const shapes: Array<[number, number]> = [
  [6, 3],
  [8, 4],
  [12, 4],
  [5, 5],
];

async function pairsByToken(plan: RoutingPlan): Promise<Map<number, Array<[number, number]>>> {
  const w = await plan.weight.data();
  const out = new Map<number, Array<[number, number]>>();
  plan.tokenIndex.forEach((t, p) => {
    if (!out.has(t)) out.set(t, []);
    out.get(t)!.push([plan.expertIndex[p], w[p]]);
  });
  return out;
}

describe('token choice on random scores', () => {
  it('gives every token its k best experts, weights summing to 1 (dropless)', async () => {
    for (const c of cases(12, 1, shapes)) {
      for (const k of [1, 2, c.experts]) {
        const plan = await tokenChoiceSelect(c.scores, { topK: k });
        await validatePlan(plan);
        expect(plan.tokenIndex.length).toBe(c.tokens * k);
        const byToken = await pairsByToken(plan);
        for (let t = 0; t < c.tokens; t++) {
          const chosen = byToken.get(t)!;
          expect(chosen.length).toBe(k);
          expect(chosen.reduce((s, [, w]) => s + w, 0)).toBeCloseTo(1, 5);
          const row = Array.from(c.values.slice(t * c.experts, (t + 1) * c.experts));
          const worstChosen = Math.min(...chosen.map(([e]) => row[e]));
          const bestOther = Math.max(-Infinity, ...row.filter((_, e) => !chosen.some(([x]) => x === e)));
          expect(worstChosen).toBeGreaterThanOrEqual(bestOther);
        }
      }
    }
  });

  it('holds capacities, drops only on full experts, and keeps kept + dropped = T·k', async () => {
    for (const c of cases(12, 2, shapes)) {
      for (const [k, capacityFactor, dropPolicy] of [
        [1, 1, 'arrival'],
        [2, 0.5, 'priority'],
        [2, 1.25, 'arrival'],
      ] as const) {
        const plan = await tokenChoiceSelect(c.scores, { topK: k, capacityFactor, dropPolicy });
        await validatePlan(plan);
        const capacity = Math.ceil((capacityFactor * k * c.tokens) / c.experts);
        expect(plan.capacity).toBe(capacity);
        expect(plan.tokenIndex.length + plan.droppedPairs).toBe(c.tokens * k);
        for (const e of plan.droppedExpertIndex!) expect(plan.counts[e]).toBe(capacity);
        for (let e = 0; e < c.experts; e++) expect(plan.counts[e]).toBe(Math.min(capacity, plan.demand![e]));
      }
    }
  });
});

describe('expert choice on random scores', () => {
  it('gives every expert exactly C tokens per group, weights = row softmax', async () => {
    for (const c of cases(8, 3, [
      [8, 4],
      [12, 4],
    ])) {
      for (const groupSize of [c.tokens, 4]) {
        const plan = await expertChoiceSelect(c.scores, { topK: 2 }, { training: true, groupSize });
        await validatePlan(plan);
        const capacity = Math.floor((groupSize * 2) / c.experts);
        const w = await plan.weight.data();
        const seen = new Map<string, number>();
        plan.tokenIndex.forEach((t, p) => seen.set(`${Math.floor(t / groupSize)}:${plan.expertIndex[p]}`, (seen.get(`${Math.floor(t / groupSize)}:${plan.expertIndex[p]}`) ?? 0) + 1));
        for (const n of seen.values()) expect(n).toBe(capacity);
        expect(seen.size).toBe((c.tokens / groupSize) * c.experts);
        plan.tokenIndex.forEach((t, p) => {
          const row = Array.from(c.values.slice(t * c.experts, (t + 1) * c.experts));
          const m = Math.max(...row);
          const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
          expect(w[p]).toBeCloseTo(Math.exp(row[plan.expertIndex[p]] - m) / z, 5);
        });
      }
    }
  });
});

describe('USMoE on random scores', () => {
  it('selects the global top-c of the unified score, c = floor(k̄·T) per group', async () => {
    for (const c of cases(12, 4, shapes)) {
      for (const topK of [0.5, 1, 1.5, 2]) {
        if (topK > c.experts) continue;
        const plan = await usmoeSelect(c.scores, { topK, alpha: 0.3 });
        await validatePlan(plan);
        expect(plan.tokenIndex.length).toBe(usmoeBudget(topK, c.tokens));
        const f = await unifiedScore(c.scores, 0.3).data();
        const chosen = new Set(Array.from(plan.tokenIndex, (t, p) => t * c.experts + plan.expertIndex[p]));
        const worstChosen = Math.min(...[...chosen].map((i) => f[i]));
        for (let i = 0; i < f.length; i++) if (!chosen.has(i)) expect(f[i]).toBeLessThanOrEqual(worstChosen);
      }
    }
  });

  it("selected unified-score sum ≥ token choice's and expert choice's at equal c", async () => {
    for (const c of cases(12, 5, [
      [8, 4],
      [12, 4],
      [6, 3],
      [10, 5],
    ])) {
      for (const k of [1, 2]) {
        for (const alpha of [0, 0.5, 1]) {
          const f = await unifiedScore(c.scores, alpha).data();
          const total = async (plan: RoutingPlan): Promise<number> => Array.from(plan.tokenIndex).reduce((s, t, p) => s + f[t * c.experts + plan.expertIndex[p]], 0);
          const us = await usmoeSelect(c.scores, { topK: k, alpha });
          const tc = await tokenChoiceSelect(c.scores, { topK: k });
          const ec = await expertChoiceSelect(c.scores, { topK: k });
          // Equal budgets: c = k·T pairs for all three (T is a multiple of N here).
          expect(us.tokenIndex.length).toBe(k * c.tokens);
          expect(tc.tokenIndex.length).toBe(k * c.tokens);
          expect(ec.tokenIndex.length).toBe(k * c.tokens);
          const usSum = await total(us);
          expect(usSum).toBeGreaterThanOrEqual((await total(tc)) - 1e-5);
          expect(usSum).toBeGreaterThanOrEqual((await total(ec)) - 1e-5);
        }
      }
    }
  });
});

describe('top-p on random scores', () => {
  it('keeps the shortest most-probable prefix reaching p', async () => {
    for (const c of cases(8, 6, shapes)) {
      for (const threshold of [0.3, 0.6, 0.9]) {
        const plan = await topPSelect(c.scores, { threshold });
        await validatePlan(plan);
        const byToken = await pairsByToken(plan);
        for (let t = 0; t < c.tokens; t++) {
          const kept = byToken
            .get(t)!
            .map(([, w]) => w)
            .sort((a, b) => b - a);
          const sum = kept.reduce((a, b) => a + b, 0);
          expect(sum).toBeGreaterThanOrEqual(threshold - 1e-5);
          expect(sum - kept[kept.length - 1]).toBeLessThan(threshold + 1e-5);
        }
      }
    }
  });
});
