import { describe, expect, it } from 'vitest';
import { Rng, randn, tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { validatePlan, type RoutingPlan } from '@smoe/routers';
import { Experts } from './experts.js';
import { FeedForward } from './feed_forward.js';
import { applyCapacity, expertCapacity, padPlan, staticRowCount } from './capacity.js';

/** A hand-made plan: pairs (token, expert, weight), sorted by expert then token. */
function plan(tokens: number, experts: number, pairs: Array<[number, number, number]>): RoutingPlan {
  const sorted = [...pairs].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const tokenIndex = Int32Array.from(sorted, (p) => p[0]);
  const expertIndex = Int32Array.from(sorted, (p) => p[1]);
  const counts = new Int32Array(experts);
  for (const e of expertIndex) counts[e]++;
  return {
    tokens,
    experts,
    token: tensor(tokenIndex, [tokenIndex.length], { dtype: 'int32' }),
    expert: tensor(expertIndex, [expertIndex.length], { dtype: 'int32' }),
    tokenIndex,
    expertIndex,
    weight: tensor(Float32Array.from(sorted, (p) => p[2])),
    counts,
    droppedPairs: 0,
    unroutedTokens: tokens - new Set(tokenIndex).size,
    auxLoss: null,
    losses: {},
    stats: {},
  };
}

// One expert applied to one row, on the host, from the stacked weights.
async function reference(experts: Experts, e: number, row: Float32Array): Promise<Float32Array> {
  const { dim, expertDim } = experts;
  const w1 = await experts.w1.data();
  const w2 = await experts.w2.data();
  const w3 = experts.w3 ? await experts.w3.data() : null;
  const b1 = experts.b1 ? await experts.b1.data() : null;
  const b2 = experts.b2 ? await experts.b2.data() : null;
  const h = new Float64Array(expertDim);
  for (let j = 0; j < expertDim; j++) {
    let a = b1 ? b1[e * expertDim + j] : 0;
    let g = 0;
    for (let k = 0; k < dim; k++) {
      a += row[k] * w1[(e * dim + k) * expertDim + j];
      if (w3) g += row[k] * w3[(e * dim + k) * expertDim + j];
    }
    h[j] = w3 ? (a / (1 + Math.exp(-a))) * g : 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a ** 3)));
  }
  const out = new Float32Array(dim);
  for (let c = 0; c < dim; c++) {
    let s = b2 ? b2[e * dim + c] : 0;
    for (let j = 0; j < expertDim; j++) s += h[j] * w2[(e * expertDim + j) * dim + c];
    out[c] = s;
  }
  return out;
}

describeEachBackend('Experts', () => {
  for (const activation of ['gelu', 'swiglu'] as const) {
    it(`dispatch equals a per-token reference (${activation})`, async () => {
      const experts = new Experts({ experts: 3, dim: 4, expertDim: 5, activation, rng: new Rng(1) });
      if (experts.b1) experts.b1.assign(randn([3, 5], 0.1, { rng: new Rng(5) }));
      const x = randn([4, 4], 1, { rng: new Rng(2) });
      // token 3 gets no expert; token 0 gets two.
      const p = plan(4, 3, [[0, 0, 0.7], [0, 2, 0.3], [1, 1, 1], [2, 2, 0.5]]);
      const y = await experts.dispatch(x, p).data();
      const xs = await x.data();
      const expected = new Float32Array(16);
      for (let i = 0; i < p.tokenIndex.length; i++) {
        const t = p.tokenIndex[i];
        const w = (await p.weight.data())[i];
        const out = await reference(experts, p.expertIndex[i], xs.slice(t * 4, t * 4 + 4) as Float32Array);
        for (let c = 0; c < 4; c++) expected[t * 4 + c] += w * out[c];
      }
      expect(maxAbsDiff(y, expected)).toBeLessThan(2e-4);
      expect(Array.from(y.slice(12))).toEqual([0, 0, 0, 0]);
    });
  }
}, ['cpu']);

describeEachBackend('dense FFN and a 1-expert stack', () => {
  for (const activation of ['gelu', 'swiglu'] as const) {
    it(`give the same output (${activation})`, async () => {
      const ffn = new FeedForward({ dim: 6, ffDim: 10, activation, rng: new Rng(3) });
      if (ffn.b1) ffn.b1.assign(randn([10], 0.1, { rng: new Rng(4) }));
      const experts = new Experts({ experts: 1, dim: 6, expertDim: 10, activation, rng: new Rng(9) });
      await experts.loadExpert(0, ffn);
      const x = randn([5, 6], 1, { rng: new Rng(6) });
      const all = plan(5, 1, [0, 1, 2, 3, 4].map((t) => [t, 0, 1] as [number, number, number]));
      expect(maxAbsDiff(await experts.dispatch(x, all).data(), await ffn.forward(x).data())).toBeLessThan(1e-5);
    });
  }
}, ['cpu']);

describe('capacity', () => {
  const pairs: Array<[number, number, number]> = [[0, 0, 0.2], [1, 0, 0.9], [2, 0, 0.5], [3, 1, 1], [0, 1, 0.8]];

  it('C = ceil(cf · pairs / experts)', () => {
    expect(expertCapacity(1, 8, 4)).toBe(2);
    expect(expertCapacity(1.25, 8, 4)).toBe(3);
    expect(expertCapacity(0, 8, 4)).toBe(Infinity);
  });

  it('drops in arrival order or by weight, and updates the bookkeeping', async () => {
    const p = plan(4, 2, pairs);
    const arrival = applyCapacity(p, 2, 'arrival');
    expect(Array.from(arrival.tokenIndex)).toEqual([0, 1, 0, 3]);
    expect(Array.from(arrival.counts)).toEqual([2, 2]);
    expect(arrival.droppedPairs).toBe(1);
    expect(arrival.unroutedTokens).toBe(1); // token 2
    const byWeight = applyCapacity(p, 2, 'weight', (await p.weight.data()) as Float32Array);
    expect(Array.from(byWeight.tokenIndex)).toEqual([1, 2, 0, 3]);
    expect(Array.from(await byWeight.weight.data())).toEqual([0.9, 0.5, 0.8, 1].map(Math.fround));
    expect(applyCapacity(p, 3).tokenIndex).toBe(p.tokenIndex);
    expect(staticRowCount(arrival)).toBe(4); // min(5 selected, 2 experts · 2)
    expect(staticRowCount(applyCapacity(p, 3))).toBe(5);
  });

  it('padding with zero-weight rows leaves the output unchanged', async () => {
    const experts = new Experts({ experts: 2, dim: 3, expertDim: 4, rng: new Rng(1) });
    const x: Tensor = randn([4, 3], 1, { rng: new Rng(2) });
    const p = applyCapacity(plan(4, 2, pairs), 2);
    const padded = padPlan(p, 6);
    expect(padded.token.size).toBe(6);
    expect(Array.from(await padded.token.data()).slice(4)).toEqual([0, 0]); // padding: token 0, the last expert, weight 0
    expect(Array.from(await padded.expert.data()).slice(4)).toEqual([1, 1]);
    expect(Array.from(await padded.weight.data()).slice(4)).toEqual([0, 0]);
    expect(padded.tokenIndex).toEqual(p.tokenIndex); // the host copies and counts describe the real pairs
    expect(padded.counts).toEqual(p.counts);
    await validatePlan(padded);
    // 0 · E(x₀) added to token 0 changes nothing, bit for bit
    expect(Array.from(await experts.dispatch(x, padded).data())).toEqual(Array.from(await experts.dispatch(x, p).data()));
    expect(padPlan(padded, 6)).toBe(padded);
  });
});

describe('Experts parameter roles', () => {
  it('declares the stacked biases [experts, width] as biases (no weight decay) and the matrices as weights', () => {
    const experts = new Experts({ experts: 3, dim: 4, expertDim: 5, activation: 'gelu', rng: new Rng(1) });
    expect(experts.b1?.role).toBe('bias');
    expect(experts.b2?.role).toBe('bias');
    expect(experts.w1.role).toBeUndefined();
  });
});
