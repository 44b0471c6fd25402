// Every strategy's registry documentation says whether it is causal in a causal LM; this holds
// each one to its word: changing the tokens after position t leaves the logits at positions ≤ t
// unchanged (bit for bit on cpu) — in training and evaluation for 'yes', in evaluation for
// 'evaluation'. The layer kinds documented in layer_info.ts are held to theirs the same way.
import { expect, it } from 'vitest';
import { routerInfo, routerNames } from '@smoe/routers';
import { describeEachBackend } from '@smoe/tensor/testing';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import type { MoEConfig } from './backbone.js';
import { deepSeekMoE } from './fine_grained.js';
import { mixtureLayers } from './layer_info.js';

const context = 8;
const cut = 4; // positions 0..cut−1 must not see positions cut..7
const a = Int32Array.from({ length: 2 * context }, (_, i) => (i * 5 + 1) % 12);
const b = a.map((id, i) => (i % context >= cut ? (id + 7) % 12 : id));

async function prefixLogits(moe: MoEConfig, ids: Int32Array, training: boolean): Promise<Float32Array> {
  // A fresh model per pass: routers with state (biases, λ, noise generators) start equal.
  const config: LanguageModelConfig = { vocab: 12, context, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 5, moe };
  const model = new LanguageModel(config).train(training);
  model.setProgress(3, 10);
  const logits = (await (await model.forward(ids, [2, context])).data()) as Float32Array;
  const out: number[] = [];
  for (let row = 0; row < 2; row++) out.push(...logits.slice(row * context * 12, (row * context + cut) * 12));
  return Float32Array.from(out);
}

describeEachBackend('declared causality in the language model', () => {
  const cases: Array<[string, MoEConfig, 'yes' | 'evaluation' | 'no']> = routerNames().map((strategy) => [strategy, { experts: 4, router: { strategy } }, routerInfo(strategy)?.causal ?? 'no']);
  const layerConfigs: Record<string, MoEConfig> = {
    vqmoe: { experts: 4, vq: {} },
    deepSeekMoE: deepSeekMoE({ experts: 2, expertDim: 16, topK: 1, granularity: 2, sharedExperts: 1 }),
    moePlusPlus: { experts: 4, zeroComputation: {} },
  };
  for (const [name, moe] of Object.entries(layerConfigs)) cases.push([name, moe, mixtureLayers[name].causal]);
  for (const [name, moe, causal] of cases) {
    if (causal === 'no') continue;
    for (const training of causal === 'yes' ? [true, false] : [false]) {
      it(`${name} (${training ? 'training' : 'evaluation'})`, async () => {
        expect(Array.from(await prefixLogits(moe, b, training))).toEqual(Array.from(await prefixLogits(moe, a, training)));
      });
    }
  }
  it('every built-in strategy and layer kind documents its causality; the causal ones are all tested above', () => {
    for (const name of routerNames()) expect(routerInfo(name)?.causal, name).toMatch(/^(yes|evaluation|no)$/);
    for (const name of Object.keys(mixtureLayers)) expect(name in layerConfigs || mixtureLayers[name].causal === 'no', name).toBe(true);
  });
}, ['cpu']);
