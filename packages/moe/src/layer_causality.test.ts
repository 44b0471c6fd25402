// The mixture layer kinds that are not router strategies (layer_info.ts) held to their declared
// causality in the decoder, as causality.test.ts holds every registered strategy: changing the
// tokens after position t leaves the logits at positions ≤ t unchanged, bit for bit on cpu, in
// training and in evaluation. Soft MoE declares itself not causal, and the decoder refuses it.
import { expect, it } from 'vitest';
import { describeEachBackend } from '@smoe/tensor/testing';
import type { MoEConfig } from './backbone.js';
import { deepSeekMoE } from './fine_grained.js';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import { mixtureLayers } from './layer_info.js';
import { ConfigError } from './validate.js';

const context = 8;
const cut = 4; // positions 0..cut−1 must not see positions cut..7
const a = Int32Array.from({ length: 2 * context }, (_, i) => (i * 5 + 1) % 12);
const b = a.map((id, i) => (i % context >= cut ? (id + 7) % 12 : id));

const config = (moe: MoEConfig): LanguageModelConfig => ({ vocab: 12, context, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 5, moe });

async function prefixLogits(moe: MoEConfig, ids: Int32Array, training: boolean): Promise<number[]> {
  // A fresh model per pass: routers with state (biases, generators) start equal.
  const model = new LanguageModel(config(moe)).train(training);
  model.setProgress(3, 10);
  const logits = await (await model.forward(ids, [2, context])).data();
  return [0, 1].flatMap((row) => Array.from(logits.slice(row * context * 12, (row * context + cut) * 12)));
}

describeEachBackend('declared causality of the mixture layer kinds', () => {
  const configs: Record<string, MoEConfig> = {
    deepSeekMoE: deepSeekMoE({ experts: 2, expertDim: 16, topK: 1, granularity: 2, sharedExperts: 1 }),
    moePlusPlus: { experts: 4, zeroComputation: {} },
  };
  for (const [name, moe] of Object.entries(configs)) {
    for (const training of [true, false]) {
      it(`${name} (${training ? 'training' : 'evaluation'}) is causal, as it declares`, async () => {
        expect(mixtureLayers[name].causal).toBe(true);
        expect(await prefixLogits(moe, b, training)).toEqual(await prefixLogits(moe, a, training));
      });
    }
  }

  it('every layer kind declared causal is checked here or in causality.test.ts (VQMoE); Soft MoE is refused by the decoder', () => {
    for (const [name, info] of Object.entries(mixtureLayers)) expect(!info.causal || name in configs || name === 'vqmoe', name).toBe(true);
    expect(mixtureLayers.softMoE.causal).toBe(false);
    expect(() => new LanguageModel(config({ experts: 4, soft: {} }))).toThrow(ConfigError);
  });
}, ['cpu']);
