// The VQ router: routing by the nearest code of a @smoe/vq codebook.
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@smoe/tensor';
import { VqRouter, createRouter, validatePlan } from './index.js';

describe('vq router', () => {
  const dim = 3;
  const x = tensor(new Rng(4).normalArray(10 * dim), [10, dim], { requiresGrad: true });

  it('routes each token to the expert of its nearest code, weight 1, with the VQ loss', async () => {
    const router = createRouter({ strategy: 'vq', experts: 4, dim, seed: 2 }) as VqRouter;
    const plan = await router.route(x, { training: false });
    await validatePlan(plan);
    const nearest = (await router.codebook.nearest(x).data()) as Int32Array;
    const assigned = new Int32Array(10);
    plan.tokenIndex.forEach((t, p) => (assigned[t] = plan.expertIndex[p]));
    expect(Array.from(assigned)).toEqual(Array.from(nearest));
    expect(Array.from(plan.codes!)).toEqual(Array.from(nearest));
    expect(plan.quantized!.shape).toEqual([10, dim]);
    expect(Array.from(new Set(await plan.weight.data()))).toEqual([1]);
    expect(await plan.auxLoss!.item()).toBeCloseTo(0.08 * (await plan.losses.vq.item()), 6);
    expect(plan.stats.perplexity).toBeGreaterThan(1);
    expect(plan.unroutedTokens).toBe(0);
  });

  it('maps codes to experts modulo N when K > N, and the straight-through input carries gradients', async () => {
    const router = new VqRouter({ experts: 2, dim, codebookSize: 6, seed: 2, straightThrough: 'damped' });
    const plan = await router.route(x, { training: true });
    await validatePlan(plan);
    plan.tokenIndex.forEach((t, p) => expect(plan.expertIndex[p]).toBe(plan.codes![t] % 2));
    plan.quantized!.sum().add(plan.auxLoss!).backward();
    expect(x.grad).not.toBeNull();
    expect(router.codebook.embeddings.grad).not.toBeNull();
  });

  it('saves and restores the codebook state', async () => {
    const router = new VqRouter({ experts: 4, dim, seed: 2, deadCodeThreshold: 0.5 });
    await router.route(x, { training: true });
    const state = await router.routerState();
    const copy = new VqRouter({ experts: 4, dim, seed: 2, deadCodeThreshold: 0.5 });
    copy.loadRouterState(state);
    copy.loadStateDict(router.stateDict());
    expect(await copy.routerState()).toEqual(state);
    const a = await router.route(x, { training: true });
    const b = await copy.route(x, { training: true });
    expect(Array.from(a.codes!)).toEqual(Array.from(b.codes!));
  });
});
