// The core selection rules on hand-made score matrices with known answers, on every backend
// (one describeEachBackend per file: switching away from webgpu while kernels are in flight
// makes gpu.js reject their pending reads).
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { ExpertChoiceSelection, UsmoeSelection, expertChoiceSelect, hashSelect, kthLargest, tokenChoiceSelect, topPSelect, usmoeSelect, validatePlan, type RoutingPlan } from './index.js';

/** The plan's (token, expert, weight) triples, in plan order. */
async function triples(plan: RoutingPlan): Promise<Array<[number, number, number]>> {
  await validatePlan(plan);
  const w = await plan.weight.data();
  return Array.from(plan.tokenIndex, (t, p) => [t, plan.expertIndex[p], w[p]]);
}

function expectTriples(actual: Array<[number, number, number]>, expected: Array<[number, number, number]>): void {
  expect(actual.map(([t, e]) => [t, e])).toEqual(expected.map(([t, e]) => [t, e]));
  actual.forEach(([, , w], i) => expect(w).toBeCloseTo(expected[i][2], 5));
}

const softmaxRow = (row: number[]): number[] => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const matrix = (rows: number[][]): Tensor => tensor(rows);

/** 3 groups of 4 tokens × 3 experts, with scores tied within and across groups. */
const groupedScores = (): number[][] => [
  [1, 0, -1], [0.5, 0.5, 0], [-2, 1, 1], [0, 0, 0],
  [2, -1, 0], [1, 0, -1], [0, 3, -3], [0.25, 0.5, 0.75],
  [-1, -1, 2], [0, 0, 0], [1.5, 1.5, -0.5], [0.3, -0.2, 0.1],
];

/** The smallest `value[t][e]` among the pairs `plan` took in each group of 4 tokens (of expert `only`, if given), averaged over groups. */
function smallestChosenPerGroup(plan: RoutingPlan, value: number[][], only?: number): number {
  const smallest = [Infinity, Infinity, Infinity];
  plan.tokenIndex.forEach((t, p) => {
    const e = plan.expertIndex[p];
    if (only === undefined || e === only) smallest[Math.floor(t / 4)] = Math.min(smallest[Math.floor(t / 4)], value[t][e]);
  });
  return smallest.reduce((a, b) => a + b, 0) / 3;
}

// 4 tokens × 3 experts; row 2 is an exact tie, row 3 ties its runners-up.
const S = [
  [2, 1, 0],
  [0, 3, 1],
  [1, 1, 1],
  [0, 0, 5],
];

describeEachBackend('selection rules', () => {
  describe('tokenChoiceSelect', () => {
    it('top-2, softmax over the selected logits; ties go to the lower expert', async () => {
      const plan = await tokenChoiceSelect(matrix(S), { topK: 2 });
      const [a, b] = softmaxRow([2, 1]);
      const [c, d] = softmaxRow([3, 1]);
      const [f, g] = softmaxRow([5, 0]);
      expectTriples(await triples(plan), [
        [0, 0, a],
        [2, 0, 0.5],
        [3, 0, g],
        [0, 1, b],
        [1, 1, c],
        [2, 1, 0.5],
        [1, 2, d],
        [3, 2, f],
      ]);
      expect(Array.from(plan.counts)).toEqual([3, 3, 2]);
      expect(plan.unroutedTokens).toBe(0);
      expect(plan.droppedPairs).toBe(0);
      expect(plan.capacity).toBeUndefined();
      expect(plan.stats.expertsPerToken).toBe(2);
    });

    it('k = N with softmax over all experts keeps every pair with the row softmax', async () => {
      const plan = await tokenChoiceSelect(matrix(S), { topK: 3, weighting: 'softmax' });
      const expected: Array<[number, number, number]> = [];
      for (let e = 0; e < 3; e++) for (let t = 0; t < 4; t++) expected.push([t, e, softmaxRow(S[t])[e]]);
      expectTriples(await triples(plan), expected);
    });

    it('softmax over all, renormalised over the selection; sigmoid gating', async () => {
      const renorm = await tokenChoiceSelect(matrix([[2, 1, 0]]), { topK: 2, weighting: 'softmax', renormalize: true });
      const p = softmaxRow([2, 1, 0]);
      expectTriples(await triples(renorm), [
        [0, 0, p[0] / (p[0] + p[1])],
        [0, 1, p[1] / (p[0] + p[1])],
      ]);
      const kept = await tokenChoiceSelect(matrix([[2, 1, 0]]), { topK: 2, weighting: 'softmax' });
      expectTriples(await triples(kept), [
        [0, 0, p[0]],
        [0, 1, p[1]],
      ]);
      const sig = await tokenChoiceSelect(matrix([[2, 1, 0]]), { topK: 2, weighting: 'sigmoid', renormalize: false });
      expectTriples(await triples(sig), [
        [0, 0, sigmoid(2)],
        [0, 1, sigmoid(1)],
      ]);
      const sigNorm = await tokenChoiceSelect(matrix([[2, 1, 0]]), { topK: 2, weighting: 'sigmoid' });
      const z = sigmoid(2) + sigmoid(1);
      expectTriples(await triples(sigNorm), [
        [0, 0, sigmoid(2) / z],
        [0, 1, sigmoid(1) / z],
      ]);
    });

    it('a selection bias changes the choice but not the weights', async () => {
      const plan = await tokenChoiceSelect(matrix([[2, 1, 0]]), { topK: 1, weighting: 'sigmoid', renormalize: false, selectionBias: tensor([0, 0, 1]) });
      expectTriples(await triples(plan), [[0, 2, sigmoid(0)]]);
    });

    it('capacity overflow drops in arrival order', async () => {
      // top-1: t0→0, t1→1, t2→0 (tie), t3→2; C = ceil(0.75·1·4/3) = 1.
      const plan = await tokenChoiceSelect(matrix(S), { topK: 1, weighting: 'softmax', capacityFactor: 0.75 });
      expect(plan.capacity).toBe(1);
      expectTriples(await triples(plan), [
        [0, 0, softmaxRow(S[0])[0]],
        [1, 1, softmaxRow(S[1])[1]],
        [3, 2, softmaxRow(S[3])[2]],
      ]);
      expect(plan.droppedPairs).toBe(1);
      expect(Array.from(plan.droppedTokenIndex!)).toEqual([2]);
      expect(Array.from(plan.droppedExpertIndex!)).toEqual([0]);
      expect(Array.from(plan.demand!)).toEqual([2, 1, 1]);
      expect(plan.unroutedTokens).toBe(1);
      expect(plan.stats.droppedFraction).toBeCloseTo(0.25);
    });

    it('capacity by priority keeps the most confident token (V-MoE)', async () => {
      const M = [
        [1, 0, 0],
        [4, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
      ];
      const arrival = await tokenChoiceSelect(matrix(M), { topK: 1, weighting: 'softmax', capacity: 1 });
      expect((await triples(arrival)).map(([t, e]) => [t, e])).toEqual([
        [0, 0],
        [2, 1],
        [3, 2],
      ]);
      const priority = await tokenChoiceSelect(matrix(M), { topK: 1, weighting: 'softmax', capacity: 1, dropPolicy: 'priority' });
      expect((await triples(priority)).map(([t, e]) => [t, e])).toEqual([
        [1, 0],
        [2, 1],
        [3, 2],
      ]);
      expect(Array.from(priority.droppedTokenIndex!)).toEqual([0]);
    });

    it('admits every first choice before any second choice (GShard)', async () => {
      const plan = await tokenChoiceSelect(
        matrix([
          [3, 2, 0],
          [0, 3, 2],
        ]),
        { topK: 2, capacity: 1 }
      );
      expect((await triples(plan)).map(([t, e]) => [t, e])).toEqual([
        [0, 0],
        [1, 1],
        [1, 2],
      ]);
      expect(Array.from(plan.droppedTokenIndex!)).toEqual([0]);
      expect(Array.from(plan.droppedExpertIndex!)).toEqual([1]);
    });

    it('weights are differentiable to the scores (softmax over the selection touches only selected logits)', async () => {
      const s = tensor([[2, 1, 0]], undefined, { requiresGrad: true });
      const plan = await tokenChoiceSelect(s, { topK: 2 });
      plan.weight
        .mul(tensor([1, 0]))
        .sum()
        .backward();
      const g = await s.grad!.data();
      const [a, b] = softmaxRow([2, 1]);
      expect(g[0]).toBeCloseTo(a * b, 5);
      expect(g[1]).toBeCloseTo(-a * b, 5);
      expect(g[2]).toBe(0);
    });
  });

  describe('expertChoiceSelect', () => {
    // P columns: e0 [.5, .5, .88, .12], e1 [.5, .5, .12, .88].
    const E = [
      [0, 0],
      [0, 0],
      [2, 0],
      [0, 2],
    ];
    const hi = softmaxRow([2, 0])[0];

    it('each expert takes its C = T·k/N best tokens; ties go to the lower token; tokens may get 0 or 2 experts', async () => {
      const plan = await expertChoiceSelect(matrix(E), { topK: 1 });
      expectTriples(await triples(plan), [
        [0, 0, 0.5],
        [2, 0, hi],
        [0, 1, 0.5],
        [3, 1, hi],
      ]);
      expect(Array.from(plan.counts)).toEqual([2, 2]);
      expect(plan.unroutedTokens).toBe(1);
      expect(plan.stats.capacity).toBe(2);
    });

    it('selects within groups (one sequence each)', async () => {
      const plan = await expertChoiceSelect(matrix(E), { topK: 1 }, { training: true, groupSize: 2 });
      expectTriples(await triples(plan), [
        [0, 0, 0.5],
        [2, 0, hi],
        [0, 1, 0.5],
        [3, 1, hi],
      ]);
      const full = await expertChoiceSelect(matrix(E), { topK: 2 }, { training: true, groupSize: 2 });
      expect(Array.from(full.counts)).toEqual([4, 4]);
    });

    it('causal form: falls back to each token\'s round(k) best expert until trained, then keeps P_ij ≥ τ̄_j (the C-th largest P of column j)', async () => {
      const rule = new ExpertChoiceSelection({ topK: 1 }, 2);
      const first = await rule.select(matrix(E), { training: true, causal: true });
      expectTriples(await triples(first), [
        [0, 0, 0.5],
        [1, 0, 0.5],
        [2, 0, hi],
        [3, 1, hi],
      ]);
      expect(first.stats.calibrated).toBe(0);
      // C = 2: column 0's second largest P is 0.5, column 1's too.
      expect(Array.from(rule.threshold.values!)).toEqual([0.5, 0.5]);
      const second = await rule.select(matrix(E), { training: false, causal: true });
      expectTriples(await triples(second), [
        [0, 0, 0.5],
        [1, 0, 0.5],
        [2, 0, hi],
        [0, 1, 0.5],
        [1, 1, 0.5],
        [3, 1, hi],
      ]);
      expect(second.stats.calibrated).toBe(1);
      expect(await rule.state()).toEqual({ threshold: Float32Array.of(0.5, 0.5) });
    });

    it('causal form: a token\'s experts do not depend on any other token of the batch', async () => {
      const rule = new ExpertChoiceSelection({ topK: 1 }, 2);
      await rule.select(matrix(E), { training: true, causal: true });
      const changed = E.map((row, t) => (t === 3 ? [5, -5] : row));
      const a = await rule.select(matrix(E), { training: false, causal: true });
      const b = await rule.select(matrix(changed), { training: false, causal: true });
      const firstThree = (plan: RoutingPlan): number[][] => Array.from(plan.tokenIndex, (t, p) => [t, plan.expertIndex[p]]).filter(([t]) => t < 3);
      expect(firstThree(b)).toEqual(firstThree(a));
    });

    it('causal form: τ_b of each expert is the smallest P its sequence-level top-C took in each group, averaged over groups', async () => {
      const S = groupedScores();
      const chosen = await expertChoiceSelect(matrix(S), { topK: 2 }, { training: true, groupSize: 4 });
      const P = S.map(softmaxRow);
      const expected = [0, 1, 2].map((e) => smallestChosenPerGroup(chosen, P, e));
      const rule = new ExpertChoiceSelection({ topK: 2 }, 3);
      await rule.select(matrix(S), { training: true, causal: true, groupSize: 4 });
      Array.from(rule.threshold.values!).forEach((v, e) => expect(v).toBeCloseTo(expected[e], 6));
    });

    it('causal form: the bare function refuses without thresholds', async () => {
      await expect(expertChoiceSelect(matrix(E), { topK: 1 }, { training: true, causal: true })).rejects.toThrow(/ExpertChoiceSelection/);
    });
  });

  describe('usmoeSelect', () => {
    // Row 1 is far more confident than row 0: the global top-c gives it both experts.
    const U = [
      [-3, -3],
      [3, 2],
    ];
    const F = U.map((row) => softmaxRow(row).map((p, j) => 0.5 * p + 0.5 * (2 / 2) * sigmoid(row[j])));

    it('global top-c of the unified score; a token may get 0 experts', async () => {
      const plan = await usmoeSelect(matrix(U), { topK: 1 });
      expectTriples(await triples(plan), [
        [1, 0, F[1][0]],
        [1, 1, F[1][1]],
      ]);
      expect(plan.unroutedTokens).toBe(1);
      expect(plan.stats.budget).toBe(2);
    });

    it('fractional k̄: c = floor(k̄·T) pairs; ties go to the earlier token', async () => {
      const plan = await usmoeSelect(matrix(U), { topK: 1.5 });
      expectTriples(await triples(plan), [
        [0, 0, F[0][0]],
        [1, 0, F[1][0]],
        [1, 1, F[1][1]],
      ]);
      expect(plan.stats.expertsPerToken).toBe(1.5);
    });

    it('causal form: each token\'s round(k̄) best until trained, then F_ij ≥ τ̄ (the c-th largest F of the sequence)', async () => {
      const rule = new UsmoeSelection({ topK: 1 }, 2);
      const first = await rule.select(matrix(U), { training: true, causal: true });
      expectTriples(await triples(first), [
        [0, 0, F[0][0]],
        [1, 0, F[1][0]],
      ]);
      // c = 2 pairs: the second largest unified score is F[1][1].
      expect(rule.threshold.values![0]).toBeCloseTo(F[1][1], 6);
      const second = await rule.select(matrix(U), { training: false, causal: true });
      expectTriples(await triples(second), [
        [1, 0, F[1][0]],
        [1, 1, F[1][1]],
      ]);
      // evaluation leaves the threshold alone; calibration updates it like training
      const before = rule.threshold.values![0];
      await rule.select(matrix([[3, 2], [3, 2]]), { training: false, causal: true });
      expect(rule.threshold.values![0]).toBe(before);
      await rule.select(matrix([[3, 2], [3, 2]]), { training: false, causal: true, calibrate: true });
      expect(rule.threshold.values![0]).toBeCloseTo(0.99 * before + 0.01 * F[1][0], 6);
    });

    it('causal form: τ_b is the smallest F the sequence-level global top-c took in each group, averaged over groups', async () => {
      const S = groupedScores();
      const chosen = await usmoeSelect(matrix(S), { topK: 1.5 }, { training: true, groupSize: 4 });
      const Fg = S.map((row) => softmaxRow(row).map((p, j) => 0.5 * p + 0.5 * (2 / 3) * sigmoid(row[j])));
      const rule = new UsmoeSelection({ topK: 1.5 }, 3);
      await rule.select(matrix(S), { training: true, causal: true, groupSize: 4 });
      expect(rule.threshold.values![0]).toBeCloseTo(smallestChosenPerGroup(chosen, Fg), 6);
    });

    it('alpha 1 is the row softmax, alpha 0 the scaled sigmoid; renormalize', async () => {
      const soft = await usmoeSelect(matrix(U), { topK: 1, alpha: 1 });
      // F = softmax: 0.73 at (1, 0), then a tie of 0.5 at (0, 0) and (0, 1) → (0, 0).
      expectTriples(await triples(soft), [
        [0, 0, 0.5],
        [1, 0, softmaxRow(U[1])[0]],
      ]);
      const sig = await usmoeSelect(matrix(U), { topK: 1, alpha: 0, sigmoidScale: 1 });
      expectTriples(await triples(sig), [
        [1, 0, sigmoid(3)],
        [1, 1, sigmoid(2)],
      ]);
      const renorm = await usmoeSelect(matrix(U), { topK: 1, renormalize: true });
      const z = F[1][0] + F[1][1];
      expectTriples(await triples(renorm), [
        [1, 0, F[1][0] / z],
        [1, 1, F[1][1] / z],
      ]);
    });

    it('selects per group', async () => {
      const plan = await usmoeSelect(matrix(U), { topK: 1 }, { training: true, groupSize: 1 });
      expectTriples(await triples(plan), [
        [0, 0, F[0][0]],
        [1, 0, F[1][0]],
      ]);
    });
  });

  describe('topPSelect', () => {
    it('adds experts until their cumulative probability reaches p', async () => {
      const P = [
        [0.5, 0.3, 0.2],
        [0.1, 0.7, 0.2],
        [1 / 3, 1 / 3, 1 / 3],
      ];
      const plan = await topPSelect(matrix(P.map((r) => r.map(Math.log))), { threshold: 0.6 });
      expectTriples(await triples(plan), [
        [0, 0, 0.5],
        [2, 0, 1 / 3],
        [0, 1, 0.3],
        [1, 1, 0.7],
        [2, 1, 1 / 3],
      ]);
      const capped = await topPSelect(matrix(P.map((r) => r.map(Math.log))), { threshold: 0.6, maxK: 1 });
      expect(Array.from(capped.counts)).toEqual([2, 1, 0]);
    });
  });
});

describe('hashSelect', () => {
  it('routes by a fixed hash of the token id, weight 1', async () => {
    const ids = Int32Array.from({ length: 400 }, (_, i) => i % 200);
    const plan = await hashSelect(ids, 4);
    await validatePlan(plan);
    const byToken = new Int32Array(400);
    plan.tokenIndex.forEach((t, p) => (byToken[t] = plan.expertIndex[p]));
    for (let i = 0; i < 200; i++) expect(byToken[i]).toBe(byToken[i + 200]);
    for (const c of plan.counts) expect(c).toBeGreaterThan(60);
    expect(Array.from(new Set(await plan.weight.data()))).toEqual([1]);
    const other = await hashSelect(ids, 4, { seed: 1 });
    expect(Array.from(other.expertIndex)).not.toEqual(Array.from(plan.expertIndex));
  });
});

describe('kthLargest', () => {
  it('counts ties as separate entries and refuses a k outside [1, n]', () => {
    const v = Float32Array.of(3, 1, 3, 2, -0);
    expect([1, 2, 3, 4, 5].map((k) => kthLargest(v, k))).toEqual([3, 3, 2, 1, -0]);
    expect(() => kthLargest(v, 0)).toThrow(/k = 0 must be an integer in \[1, 5\]/);
    expect(() => kthLargest(v, 6)).toThrow(/k = 6/);
  });
});
