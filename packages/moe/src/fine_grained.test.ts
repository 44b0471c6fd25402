import { expect, it } from 'vitest';
import { describeEachBackend } from '@smoe/tensor/testing';
import { activeExpertParameters, deepSeekMoE, fineGrainedSizes } from './fine_grained.js';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import { ConfigError } from './validate.js';

const base: LanguageModelConfig = { vocab: 12, context: 8, layers: 2, modelDim: 8, heads: 2, ffDim: 16, seed: 3 };
const ids = Int32Array.from({ length: 16 }, (_, i) => (i * 5) % 12);

async function activePerToken(config: LanguageModelConfig): Promise<{ active: number; total: number }> {
  const model = new LanguageModel(config);
  await model.forward(ids, [2, 8]);
  const layers = model.body.moeLayers();
  const active = layers.reduce((sum, { moe }) => sum + activeExpertParameters(moe), 0);
  const total = layers.reduce((sum, { moe }) => sum + moe.experts.parameterCount() + (moe.shared?.parameterCount() ?? 0), 0);
  return { active, total };
}

describeEachBackend('DeepSeekMoE fine-grained and shared experts', () => {
  it('m× more experts, 1/m as wide, k·m − s routed plus s shared: the sizes', () => {
    expect(fineGrainedSizes({ experts: 8, expertDim: 128, topK: 2, granularity: 4, sharedExperts: 1 })).toEqual({ experts: 32, expertDim: 32, topK: 7, sharedExperts: 1 });
    expect(deepSeekMoE({ experts: 8, expertDim: 128, topK: 2 })).toEqual({ experts: 32, expertDim: 32, sharedExperts: 1, router: { strategy: 'auxiliaryLossFree', topK: 7 } });
    expect(() => fineGrainedSizes({ experts: 8, expertDim: 100, topK: 2, granularity: 3 })).toThrow(ConfigError);
    expect(() => fineGrainedSizes({ experts: 8, expertDim: 128, topK: 1, granularity: 2, sharedExperts: 2 })).toThrow(ConfigError);
  });

  it('runs the same active expert parameters per token as the coarse model (SwiGLU experts, measured on a forward pass)', async () => {
    for (const [granularity, sharedExperts] of [[2, 1], [4, 0], [4, 3]]) {
      const coarse = await activePerToken({ ...base, moe: { experts: 4, expertType: 'swiglu', router: { strategy: 'tokenChoice', topK: 2 } } });
      const fine = await activePerToken({ ...base, moe: { ...deepSeekMoE({ experts: 4, expertDim: 16, topK: 2, granularity, sharedExperts }), expertType: 'swiglu' } });
      expect(fine.active).toBe(coarse.active);
      expect(fine.total).toBe(coarse.total + sharedExperts * 3 * 8 * (16 / granularity) * 2); // shared experts come on top of the N·h routed width
    }
  });

  it('GELU experts: the same weight matrices per token, plus (m − 1)·k·d output biases', async () => {
    const coarse = await activePerToken({ ...base, moe: { experts: 4, router: { strategy: 'tokenChoice', topK: 2 } } });
    const fine = await activePerToken({ ...base, moe: deepSeekMoE({ experts: 4, expertDim: 16, topK: 2, granularity: 2, sharedExperts: 0 }) });
    expect(fine.active - coarse.active).toBe(2 * (2 - 1) * 2 * 8); // two MoE layers
  });
}, ['cpu']);
