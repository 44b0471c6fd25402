import { describe, expect, it } from 'vitest';
import { Rng, randn, type Tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { MoELayer } from './moe_layer.js';
import { ConfigError } from './validate.js';
import { TopKRouter } from '../test/top_k_router.js';
import { checkGradients } from '../test/finite_differences.js';

function layer(options: { experts?: number; dim?: number; expertDim?: number; topK?: number; sharedExperts?: number; capacityFactor?: number; expertType?: 'gelu' | 'swiglu' } = {}): MoELayer {
  const experts = options.experts ?? 4;
  const dim = options.dim ?? 4;
  const router = new TopKRouter({ experts, dim, topK: options.topK ?? 2, rng: new Rng(11) });
  return new MoELayer(
    { dim, expertDim: options.expertDim ?? 6, experts, router: { strategy: 'testTopK' }, sharedExperts: options.sharedExperts, capacityFactor: options.capacityFactor, expertType: options.expertType },
    { router, rng: new Rng(5) },
  );
}

describeEachBackend('MoELayer', () => {
  for (const expertType of ['gelu', 'swiglu'] as const) {
    it(`gradients of router, experts, shared experts and inputs match finite differences (${expertType})`, async () => {
      const moe = layer({ sharedExperts: 1, expertType });
      if (moe.experts.b1) moe.experts.b1.assign(randn([4, 6], 0.2, { rng: new Rng(8) }));
      const x = randn([6, 4], 1, { rng: new Rng(2), requiresGrad: true });
      const probe = randn([6, 4], 1, { rng: new Rng(3) });
      const loss = async (): Promise<Tensor> => {
        const y = await moe.forward(x, { training: true });
        return y.mul(probe).sum().add(moe.auxLoss as Tensor);
      };
      const params: Record<string, Tensor> = { x, ...Object.fromEntries(moe.namedParameters()) };
      const bad = await checkGradients(loss, params, { entries: 6 });
      expect(bad).toEqual([]);
    });
  }

  it('exposes the plan, statistics and auxiliary loss after a forward', async () => {
    const moe = layer();
    const x = randn([8, 4], 1, { rng: new Rng(1) });
    const y = await moe.forward(x);
    expect(y.shape).toEqual([8, 4]);
    expect(moe.lastPlan?.tokenIndex.length).toBe(16);
    const stats = moe.lastStats;
    expect(stats).not.toBeNull();
    expect(stats?.expertsPerToken).toBe(2);
    expect(stats?.load.reduce((a, b) => a + b, 0)).toBe(16);
    // Routing entropy: the mean over tokens of −Σ_j p_j log p_j, p = softmax(x·W_gate) computed here.
    const [inputs, gate] = await Promise.all([x.data(), (moe.router as TopKRouter).gate.data()]);
    let entropy = 0;
    for (let t = 0; t < 8; t++) {
      const scores = [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((sum, k) => sum + inputs[t * 4 + k] * gate[k * 4 + j], 0));
      const total = scores.reduce((sum, v) => sum + Math.exp(v), 0);
      for (const v of scores) entropy -= (Math.exp(v) / total) * Math.log(Math.exp(v) / total);
    }
    expect(stats?.routingEntropy).toBeCloseTo(entropy / 8, 5);
    expect(stats?.droppedFraction).toBe(0);
    expect(moe.auxLoss?.shape).toEqual([]);
    expect(Object.keys(moe.lastLosses)).toEqual(['balance']);
  });

  it('drops pairs beyond capacity and keeps static shapes', async () => {
    const moe = layer({ capacityFactor: 0.5, experts: 2, topK: 1 });
    const x = randn([8, 4], 1, { rng: new Rng(4) });
    const y = await moe.forward(x);
    expect(y.shape).toEqual([8, 4]);
    // Capacity ceil(0.5 · 1 · 8 / 2) = 2 per expert: each expert keeps min(demand, 2) of the
    // tokens whose top-1 it is (demand from argmax of x·W_gate, computed here); the rest drop.
    const [inputs, gate] = await Promise.all([x.data(), (moe.router as TopKRouter).gate.data()]);
    const demand = [0, 0];
    for (let t = 0; t < 8; t++) {
      const [a, b] = [0, 1].map((j) => [0, 1, 2, 3].reduce((sum, k) => sum + inputs[t * 4 + k] * gate[k * 2 + j], 0));
      demand[a >= b ? 0 : 1]++;
    }
    const kept = demand.reduce((sum, d) => sum + Math.min(d, 2), 0);
    expect(Array.from(moe.lastPlan!.counts)).toEqual(demand.map((d) => Math.min(d, 2)));
    expect(kept).toBeLessThan(8);
    // Top-1: a dropped pair is a token left with no expert, so both fractions are (8 − kept) / 8.
    expect(moe.lastStats?.droppedFraction).toBe((8 - kept) / 8);
    expect(moe.lastStats?.unroutedFraction).toBe((8 - kept) / 8);
  });
}, ['cpu']);

describe('MoELayer config', () => {
  it('names the field, the value and what is allowed', () => {
    expect(() => new MoELayer({ dim: 4, expertDim: 6, experts: 0 })).toThrow(ConfigError);
    expect(() => new MoELayer({ dim: 4, expertDim: 6, experts: 0 })).toThrow(/experts = 0 is invalid; allowed: an integer ≥ 1/);
    expect(() => new MoELayer({ dim: 4, expertDim: 6, experts: 2, expertType: 'relu' as never })).toThrow(/expertType = "relu".*'gelu', 'swiglu'/);
    expect(() => new MoELayer({ dim: 4, expertDim: 6, experts: 2, capacityFactr: 1 } as never)).toThrow(/capacityFactr/);
    expect(() => new MoELayer({ dim: 4, expertDim: 6, experts: 2, vq: { regime: 'both' as never } })).toThrow(/vq.regime = "both"/);
  });
});
