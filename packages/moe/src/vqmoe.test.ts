import { expect, it } from 'vitest';
import { Module, Rng, concat, randn, tensor, type Tensor } from '@smoe/tensor';
import { createRouter, type RouteContext, type Router, type RoutingPlan } from '@smoe/routers';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { MoELayer } from './moe_layer.js';
import { checkGradients } from '../test/finite_differences.js';

function vqLayer(regime: 'mixed' | 'discrete' = 'mixed'): MoELayer {
  return new MoELayer({ dim: 4, expertDim: 6, experts: 3, vq: { regime, router: { strategy: 'vq', seed: 4 } } }, { rng: new Rng(7) });
}

/**
 * The straight-through estimator's claim, made testable by finite differences: around the
 * current point, q̃(x) = slope·x + C with the codes and C = q̃ − slope·x frozen (slope 1 for the
 * standard estimator, 1 − c for the damped one). The first route records C; later routes (the
 * finite-difference evaluations) rebuild q̃ from it, while the codebook losses still see the
 * moved codes. A frozen code that changes under the perturbation fails the test.
 */
class StraightThroughSurrogate extends Module implements Router {
  readonly strategy = 'vq';
  readonly experts: number;
  inner: Router;
  private offset: Float32Array | null = null;
  private codes: Int32Array | null = null;

  constructor(inner: Router, private readonly slope: number) {
    super();
    this.inner = inner;
    this.experts = inner.experts;
  }

  async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const plan = await this.inner.route(x, context);
    const quantized = plan.quantized as Tensor;
    if (!this.offset) {
      this.offset = (await quantized.sub(x.mul(this.slope)).data()) as Float32Array;
      this.codes = plan.codes ?? null;
      return plan;
    }
    expect(Array.from(plan.codes ?? [])).toEqual(Array.from(this.codes ?? []));
    return { ...plan, quantized: x.mul(this.slope).add(tensor(this.offset, x.shape)) };
  }
}

describeEachBackend('VQMoE layer', () => {
  it('mixed regime: both paths run, the gate mixes them, the VQ loss joins the aux loss', async () => {
    const moe = vqLayer();
    const x = randn([8, 4], 1, { rng: new Rng(1) });
    const y = await moe.forward(x, { training: true });
    expect(y.shape).toEqual([8, 4]);
    expect(moe.router.strategy).toBe('stableMoE');
    expect(moe.lastDiscretePlan?.codes?.length).toBe(8);
    expect(Object.keys(moe.lastLosses)).toEqual(expect.arrayContaining(['vq.vq', 'balance']));
    // The aux loss is the sum of both paths' aux losses (the discrete one holds the VQ loss).
    expect(await moe.auxLoss!.item()).toBeCloseTo((await moe.lastPlan!.auxLoss!.item()) + (await moe.lastDiscretePlan!.auxLoss!.item()), 6);
    // The vq router's aux loss is β_vq · L_vq with β_vq = 0.08.
    expect(await moe.lastDiscretePlan!.auxLoss!.item()).toBeCloseTo(0.08 * (await moe.lastLosses['vq.vq'].item()), 7);
    const stats = moe.lastStats;
    expect(stats?.codePerplexity).toBeGreaterThanOrEqual(1);
    expect(stats?.strategy.discreteGate).toBeGreaterThan(0);
    expect(stats?.strategy.discreteGate).toBeLessThan(1);
  });

  it('discrete regime, default (damped) estimator: two tokens that share a code get different outputs; the standard one makes the path a lookup table', async () => {
    const x = randn([1, 4], 1, { rng: new Rng(5) });
    const pair = concat([x, x.add(tensor([[0.02, -0.01, 0.015, 0.01]]))], 0); // [2, 4], near each other
    const outputs: Record<string, Float32Array> = {};
    for (const straightThrough of ['damped', 'standard'] as const) {
      const moe = new MoELayer({ dim: 4, expertDim: 6, experts: 3, vq: { regime: 'discrete', router: { strategy: 'vq', seed: 4, ...(straightThrough === 'standard' ? { straightThrough } : {}) } } }, { rng: new Rng(7) });
      outputs[straightThrough] = (await (await moe.forward(pair, { training: false })).data()) as Float32Array;
      expect(moe.lastDiscretePlan?.codes?.[0]).toBe(moe.lastDiscretePlan?.codes?.[1]);
    }
    const rowGap = (y: Float32Array): number => maxAbsDiff(y.slice(0, 4), y.slice(4, 8));
    expect(rowGap(outputs.damped)).toBeGreaterThan(1e-4);
    expect(rowGap(outputs.standard)).toBe(0);
  });

  it('counts the expert FFNs that actually run: both paths in the mixed regime, one in the discrete regime', async () => {
    const moe = vqLayer('mixed');
    await moe.forward(randn([8, 4], 1, { rng: new Rng(3) }), { training: true });
    expect(moe.lastStats?.expertsPerToken).toBe(1);
    expect(moe.lastStats?.expertRunsPerToken).toBe(2);
    moe.setRegime('discrete');
    await moe.forward(randn([8, 4], 1, { rng: new Rng(3) }), { training: false });
    expect(moe.lastStats?.expertRunsPerToken).toBe(1);
  });

  it("discrete regime: only the code routes; setRegime switches a trained layer and keeps its parameters", async () => {
    const moe = vqLayer('mixed');
    const names = moe.namedParameters().map(([n]) => n);
    const x = randn([8, 4], 1, { rng: new Rng(2) });
    const mixed = await (await moe.forward(x, { training: false })).data();
    moe.setRegime('discrete');
    expect(moe.regime).toBe('discrete');
    const discrete = await (await moe.forward(x, { training: false })).data();
    expect(moe.lastPlan).toBe(moe.lastDiscretePlan);
    expect(moe.namedParameters().map(([n]) => n)).toEqual(names);
    expect(maxAbsDiff(mixed, discrete)).toBeGreaterThan(1e-4);
    // A layer built in the discrete regime from the same seed computes the same function.
    const fresh = vqLayer('discrete');
    expect(maxAbsDiff(await (await fresh.forward(x, { training: false })).data(), discrete)).toBeLessThan(1e-6);
  });

  for (const [regime, straightThrough] of [['mixed', 'standard'], ['discrete', 'standard'], ['discrete', 'damped']] as const) {
    it(`gradients of experts, routers, codebook and inputs through the ${straightThrough} straight-through estimator match finite differences (${regime})`, async () => {
      const vq = createRouter({ strategy: 'vq', experts: 3, dim: 4, seed: 4, straightThrough, dampRate: 0.05 });
      const vqRouter = new StraightThroughSurrogate(vq, straightThrough === 'damped' ? 0.95 : 1);
      const moe = new MoELayer({ dim: 4, expertDim: 6, experts: 3, vq: { regime } }, { rng: new Rng(7), vqRouter });
      // Each token near one code, so that no code changes under a finite-difference step.
      const codes = (await (vq as unknown as { codebook: { embeddings: Tensor } }).codebook.embeddings.data()) as Float32Array;
      const noise = (await randn([6, 4], 0.2, { rng: new Rng(3) }).data()) as Float32Array;
      const x = tensor(noise.map((v, i) => v + codes[(Math.floor(i / 4) % 3) * 4 + (i % 4)]), [6, 4], { requiresGrad: true });
      const probe = randn([6, 4], 1, { rng: new Rng(9) });
      const loss = async (): Promise<Tensor> => {
        const y = await moe.forward(x, { training: false });
        return y.mul(probe).sum().add(moe.auxLoss as Tensor);
      };
      const params = Object.fromEntries(moe.namedParameters().filter(([name]) => regime === 'mixed' || !/^(router|mix)/.test(name)).filter(([name]) => !name.includes('distilled')));
      expect(Object.keys(params)).toEqual(expect.arrayContaining(['vqRouter.inner.codebook.embeddings', 'experts.w1']));
      const bad = await checkGradients(loss, { x, ...params }, { entries: 5, eps: 5e-3, atol: 3e-3 });
      expect(bad).toEqual([]);
    });
  }
}, ['cpu']);
