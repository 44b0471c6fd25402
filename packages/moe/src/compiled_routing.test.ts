// A compiled MoE layer whose router keeps a data-dependent number of pairs (causal expert choice
// and USMoE: per-token thresholds). Inside the compiled step the plan is padded to a multiple of
// tokens / 4 rows, so two inputs whose pair counts differ but share a bucket run one plan — no new
// compilation — and give the eager layer's output and gradients; a count in another bucket
// compiles a second plan, which the next input of that bucket reuses. With a capacity, inputs
// that drop pairs and inputs that drop none run one plan too.
import { expect, it } from 'vitest';
import { compile, noGrad, Rng, tensor, type Tensor } from '@smoe/tensor';
import { paddedRows } from '@smoe/routers';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { MoELayer } from './moe_layer.js';

const tokens = 64;
const dim = 8;
const groupSize = 16;

function layer(strategy: string, capacityFactor = 0): MoELayer {
  const router = strategy === 'usmoe' ? { strategy, topK: 1.5 } : { strategy, topK: 2 };
  const moe = new MoELayer({ dim, experts: 4, expertDim: 8, router, causalRouting: true, capacityFactor }, { rng: new Rng(5) });
  moe.eval(); // fixed thresholds: the plan is a function of the input
  return moe;
}

const input = (seed: number): Float32Array => new Rng(seed).normalArray(tokens * dim, 0, 1);

/** The layer's output and the gradient of Σ y ⊙ r with respect to x and to the router's weight. */
async function pass(moe: MoELayer, x: Tensor, r: Tensor): Promise<{ y: Tensor; dx: Tensor; dw: Tensor }> {
  moe.zeroGrad();
  const y = await moe.forward(x, { groupSize });
  y.mul(r).sum().backward();
  return { y, dx: x.grad!, dw: moe.router.parameters()[0].grad! };
}

describeEachBackend('compiled layer, data-dependent pair counts', (backend) => {
  const tolerance = backend === 'webgpu' ? 1e-4 : 1e-5;
  /** The compiled pass's output and gradients against the eager pass's on the same input. */
  const expectEager = async (got: Awaited<ReturnType<typeof pass>>, want: Awaited<ReturnType<typeof pass>>, seed: number): Promise<void> => {
    expect(maxAbsDiff(await got.y.data(), await want.y.data()), `output, input ${seed}`).toBeLessThan(tolerance);
    expect(maxAbsDiff(await got.dx.data(), await want.dx.data()), `dx, input ${seed}`).toBeLessThan(tolerance);
    expect(maxAbsDiff(await got.dw.data(), await want.dw.data()), `router gradient, input ${seed}`).toBeLessThan(tolerance);
  };
  for (const strategy of ['expertChoice', 'usmoe']) {
    it(`${strategy}: inputs with different pair counts in one bucket run one plan, with the eager results`, async () => {
      const moe = layer(strategy);
      // calibrate the causal thresholds on other inputs (as a training-free swap is), then keep them
      for (let seed = 100; seed < 108; seed++) await noGrad(() => moe.forward(tensor(input(seed), [tokens, dim]), { groupSize, calibrate: true }));
      // the pair count of each candidate input (eagerly), to pick inputs by bucket
      const pairs = new Map<number, number>();
      for (let seed = 1; seed <= 40; seed++) {
        await noGrad(() => moe.forward(tensor(input(seed), [tokens, dim]), { groupSize }));
        pairs.set(seed, moe.lastPlan!.tokenIndex.length);
      }
      const bucket = (seed: number) => paddedRows(pairs.get(seed)!, tokens);
      const seeds = [...pairs.keys()];
      const first = seeds[0];
      const same = seeds.find((s) => bucket(s) === bucket(first) && pairs.get(s) !== pairs.get(first));
      const other = seeds.find((s) => bucket(s) !== bucket(first));
      expect(same, `an input with another pair count in the bucket of ${pairs.get(first)} pairs (counts: ${[...pairs.values()]})`).toBeDefined();
      expect(other, 'an input in another bucket').toBeDefined();
      const r = tensor(new Rng(9).normalArray(tokens * dim, 0, 1), [tokens, dim]);
      const step = compile(async (x: Tensor) => pass(moe, x, r), { hostReads: 'split' });
      const compilations: number[] = [];
      for (const seed of [first, same!, other!, first, other!]) {
        const x = tensor(input(seed), [tokens, dim], { requiresGrad: true });
        const got = await step.run(x);
        compilations.push(step.compilations);
        await expectEager(got, await pass(moe, tensor(input(seed), [tokens, dim], { requiresGrad: true }), r), seed);
      }
      // the second input (another count, same bucket) and the last two (buckets seen before) compile nothing
      expect(compilations[1]).toBe(compilations[0]);
      expect(compilations[2]).toBeGreaterThan(compilations[1]);
      expect(compilations[4]).toBe(compilations[2]);
      step.dispose();
    }, 120_000);
  }

  it('token choice with a capacity: inputs that drop pairs and inputs that drop none run one plan, with the eager results', async () => {
    const moe = layer('tokenChoice', 1.1);
    const dropped = new Map<number, number>();
    for (let seed = 1; seed <= 40; seed++) {
      await noGrad(() => moe.forward(tensor(input(seed), [tokens, dim]), { groupSize }));
      dropped.set(seed, moe.lastPlan!.droppedPairs);
    }
    const seeds = [...dropped.keys()];
    const dropping = seeds.filter((s) => dropped.get(s)! > 0);
    const keeping = seeds.filter((s) => dropped.get(s) === 0);
    expect(dropping.length, `inputs that drop pairs (dropped: ${[...dropped.values()]})`).toBeGreaterThan(1);
    expect(keeping.length, 'inputs that drop none').toBeGreaterThan(0);
    const r = tensor(new Rng(9).normalArray(tokens * dim, 0, 1), [tokens, dim]);
    const step = compile(async (x: Tensor) => pass(moe, x, r), { hostReads: 'split' });
    const compilations: number[] = [];
    for (const seed of [dropping[0], keeping[0], dropping[1]]) {
      const got = await step.run(tensor(input(seed), [tokens, dim], { requiresGrad: true }));
      compilations.push(step.compilations);
      await expectEager(got, await pass(moe, tensor(input(seed), [tokens, dim], { requiresGrad: true }), r), seed);
    }
    expect(compilations).toEqual([compilations[0], compilations[0], compilations[0]]);
    step.dispose();
  }, 120_000);
});
