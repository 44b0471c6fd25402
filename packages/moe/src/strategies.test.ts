import { expect, it } from 'vitest';
import { Rng, randn } from '@smoe/tensor';
import { routerNames, type ScoredRouter } from '@smoe/routers';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel } from './language_model.js';
import { MoELayer } from './moe_layer.js';
import { sgdStep } from '../test/sgd.js';

describeEachBackend('MoELayer with every registered strategy', () => {
  for (const strategy of routerNames()) {
    it(`${strategy}: forward, backward, statistics, static row counts`, async () => {
      const moe = new MoELayer({ dim: 8, expertDim: 8, experts: 4, router: { strategy } }, { rng: new Rng(1) });
      const x = randn([16, 8], 1, { rng: new Rng(2), requiresGrad: true });
      const tokenIds = Int32Array.from({ length: 16 }, (_, i) => i % 5);
      for (let step = 0; step < 2; step++) {
        const y = await moe.forward(x, { training: true, groupSize: 8, tokenIds, step, totalSteps: 4, rng: new Rng(step) });
        expect(y.shape).toEqual([16, 8]);
        let loss = y.square().mean();
        if (moe.auxLoss) loss = loss.add(moe.auxLoss);
        loss.backward();
        expect(x.grad?.shape).toEqual([16, 8]);
        expect(moe.lastStats?.pairs).toBe(moe.lastPlan?.tokenIndex.length);
        expect(Number.isFinite(moe.lastStats?.loadCv)).toBe(true);
        moe.zeroGrad();
        x.grad = null;
      }
    });
  }

  it('training-free USMoE: a trained token-choice model routes with the unified rule, same gate weights', async () => {
    // sequence-level routing (causalRouting false): exactly c = k̄·T pairs per sequence
    const model = new LanguageModel({ vocab: 12, context: 6, layers: 1, modelDim: 8, heads: 2, ffDim: 16, moe: { experts: 4, router: { strategy: 'tokenChoice', topK: 2 }, causalRouting: false }, seed: 4 });
    const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 12);
    const targets = Int32Array.from({ length: 12 }, (_, i) => (i * 7 + 1) % 12);
    const result = await model.loss({ inputs: ids, targets, batch: 2, context: 6 });
    result.loss.backward();
    sgdStep(model, 0.1);
    const names = model.namedParameters().map(([n]) => n);
    const gate = model.body.moeLayers()[0].moe.router.parameters()[0];
    model.eval();
    const before = await (await model.forward(ids, [2, 6])).data();
    model.setSelection({ rule: 'usmoe', topK: 1.5 });
    const moe = model.body.moeLayers()[0].moe;
    expect(moe.router.parameters()[0]).toBe(gate);
    expect(model.namedParameters().map(([n]) => n)).toEqual(names);
    const swapped = await (await model.forward(ids, [2, 6])).data();
    expect(moe.lastStats?.expertsPerToken).toBe(1.5);
    expect(maxAbsDiff(before, swapped)).toBeGreaterThan(1e-5);
    const again = LanguageModel.fromConfig(JSON.parse(JSON.stringify(model.config)));
    expect(again.config.moe?.selection).toEqual({ rule: 'usmoe', topK: 1.5 });
    model.setSelection(null);
    expect(maxAbsDiff(before, await (await model.forward(ids, [2, 6])).data())).toBe(0);
  });

  it('training-free USMoE in a causal LM: uncalibrated it keeps round(k̄) experts per token; calibration sets the threshold from the batch', async () => {
    const model = new LanguageModel({ vocab: 12, context: 6, layers: 1, modelDim: 8, heads: 2, ffDim: 16, moe: { experts: 4, router: { strategy: 'tokenChoice', topK: 2 } }, seed: 4 });
    expect(model.config.moe?.causalRouting).toBe(true);
    const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 12);
    model.eval();
    model.setSelection({ rule: 'usmoe', topK: 1.5 });
    const moe = model.body.moeLayers()[0].moe;
    await model.forward(ids, [2, 6]);
    expect(moe.lastPlan?.stats.calibrated).toBe(0);
    expect(moe.lastStats?.expertsPerToken).toBe(2);
    await model.forward(ids, [2, 6], { calibrate: true });
    const threshold = (moe.router as ScoredRouter).selection.state!().threshold;
    expect(threshold).toHaveLength(1);
    // [12 tokens, 4 experts]: the unified scores of this batch (the plan's probabilities)
    const unified = await moe.lastPlan!.probabilities!.data();
    await model.forward(ids, [2, 6]);
    expect(moe.lastPlan?.stats.calibrated).toBe(1);
    // the threshold is the mean over the two sequences of their c-th largest unified score (c = 9)
    const cth = [0, 1].map((g) => Array.from(unified.slice(g * 24, g * 24 + 24)).sort((a, b) => b - a)[8]);
    expect(threshold[0]).toBeCloseTo((cth[0] + cth[1]) / 2, 5);
    let kept = 0;
    for (const f of unified) if (f >= threshold[0]) kept++;
    expect(moe.lastPlan?.tokenIndex.length).toBe(kept);
  });
}, ['cpu']);
