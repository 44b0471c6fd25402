// Causality of routing in the decoder (docs/routing.md §2): every registered strategy is held to
// the causality its registry documentation declares ('yes': training and evaluation;
// 'evaluation': evaluation only), and so are the VQMoE layer, MoE++ experts, the layer-level
// capacity and the training-free swaps: changing the tokens after position t leaves the logits
// at positions ≤ t unchanged — bit for bit on cpu — after the routers' state has been trained
// (k-means codebooks, calibrated thresholds). The same check with the
// sequence-level rules (causalRouting: false) must fail for expert choice and USMoE: it shows
// the test can see a leak.
import { expect, it } from 'vitest';
import { tensor } from '@smoe/tensor';
import { routerInfo, routerNames, type Causality } from '@smoe/routers';
import { describeEachBackend } from '@smoe/tensor/testing';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import type { MoEConfig } from './backbone.js';

const batch = 3;
const context = 8;
/** Positions ≤ cut are kept; the tokens after it are changed. */
const cut = 3;

const ids = Int32Array.from({ length: batch * context }, (_, i) => (i * 7 + 3) % 16);
const changed = Int32Array.from(ids, (v, i) => (i % context > cut ? (v * 5 + 1) % 16 : v));

function config(moe: MoEConfig): LanguageModelConfig {
  return { vocab: 16, context, layers: 2, modelDim: 8, heads: 2, ffDim: 16, dropout: 0.1, moe, seed: 3 };
}

/** Everything a forward pass may change (weights: k-means init and code restarts; buffers: router state, generator). */
async function snapshot(model: LanguageModel): Promise<() => void> {
  const weights = Object.fromEntries(await Promise.all(Object.entries(model.stateDict()).map(async ([name, t]) => [name, tensor(Float32Array.from(await t.data()), t.shape)] as const)));
  const buffers = await model.buffers();
  return () => {
    model.loadStateDict(weights);
    model.loadBuffers(buffers);
  };
}

/** The largest |difference| of the logits at positions ≤ cut, for the original and the changed tokens, from the same state. */
async function leak(model: LanguageModel): Promise<number> {
  const restore = await snapshot(model);
  const a = await (await model.forward(ids, [batch, context])).data();
  restore();
  const b = await (await model.forward(changed, [batch, context])).data();
  restore();
  const vocab = model.config.vocab;
  let worst = 0;
  for (let s = 0; s < batch; s++) {
    for (let t = 0; t <= cut; t++) {
      for (let v = 0; v < vocab; v++) {
        const i = (s * context + t) * vocab + v;
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
      }
    }
  }
  return worst;
}

/** Trains the routers' state a little (k-means init, causal thresholds), then measures the leak in both modes. */
async function leaks(model: LanguageModel): Promise<{ training: number; evaluation: number }> {
  model.train();
  for (let step = 0; step < 2; step++) await model.forward(Int32Array.from(ids, (v) => (v + step) % 16), [batch, context], { step, totalSteps: 10 });
  model.setProgress(3, 10);
  const training = await leak(model);
  model.eval();
  const evaluation = await leak(model);
  return { training, evaluation };
}

const cases: Array<[string, MoEConfig, Causality]> = [
  ...routerNames().map((strategy): [string, MoEConfig, Causality] => [strategy, { experts: 4, router: { strategy } }, routerInfo(strategy)?.causal ?? 'no']),
  ['tokenChoice with the layer capacity (weight priority)', { experts: 4, capacityFactor: 1, capacityPriority: 'weight' }, 'yes'],
  ['VQMoE, mixed regime', { experts: 4, vq: { regime: 'mixed' } }, 'yes'],
  ['VQMoE, discrete regime', { experts: 4, vq: { regime: 'discrete' } }, 'yes'],
  ['MoE++ (zero-computation experts)', { experts: 4, zeroComputation: {} }, 'yes'],
  ['training-free USMoE on token choice', { experts: 4, selection: { rule: 'usmoe', topK: 1.5 } }, 'yes'],
  ['training-free expert choice on token choice', { experts: 4, selection: { rule: 'expertChoice', topK: 2 } }, 'yes'],
];

describeEachBackend(
  'causal routing in the language model',
  () => {
    for (const [name, moe, causal] of cases) {
      if (causal === 'no') continue;
      it(`${name}: logits at positions ≤ t do not depend on later tokens (${causal === 'yes' ? 'training and evaluation' : 'evaluation'})`, async () => {
        const model = new LanguageModel(config(moe));
        const { training, evaluation } = await leaks(model);
        expect(evaluation).toBe(0);
        if (causal === 'yes') expect(training).toBe(0);
      });
    }

    it('every built-in strategy documents its causality', () => {
      for (const name of routerNames()) expect(routerInfo(name)?.causal, name).toMatch(/^(yes|evaluation|no)$/);
    });

    it('the sequence-level rules (causalRouting: false) do leak: the check above can see it', async () => {
      for (const strategy of ['expertChoice', 'usmoe']) {
        const model = new LanguageModel(config({ experts: 4, router: { strategy }, causalRouting: false }));
        const { training, evaluation } = await leaks(model);
        expect(training).toBeGreaterThan(0);
        expect(evaluation).toBeGreaterThan(0);
      }
    });
  },
  ['cpu'],
);
