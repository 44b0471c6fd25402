// The name and shape mapping against the keys Transformers publishes for each layout (listed with
// their source in checkpoints.test-helpers.ts), and the config mapping's refusals.
import { describe, expect, it } from 'vitest';
import { resolveDecoderLanguageModelConfig } from '@smoe/moe';
import { fromHuggingFaceConfig, tensorSpecs, toHuggingFaceConfig, type HuggingFaceConfig } from './architectures.js';
import { publishedTensors, tinyConfig, type Layout } from './checkpoints.test-helpers.js';

const layouts: Layout[] = ['mixtral', 'qwen2_moe', 'olmoe'];

describe('tensor names and shapes', () => {
  for (const layout of layouts) {
    for (const overrides of [{}, { tie_word_embeddings: true }, { num_hidden_layers: 3, ...(layout === 'qwen2_moe' ? { decoder_sparse_step: 2, mlp_only_layers: [] } : {}) }]) {
      it(`${layout} ${JSON.stringify(overrides)}: every published key with its shape, and nothing else`, () => {
        const hf = tinyConfig(layout, overrides) as HuggingFaceConfig;
        const { config } = fromHuggingFaceConfig(hf, 'config.json');
        const ours = tensorSpecs(resolveDecoderLanguageModelConfig(config), layout).map((s) => ({ key: s.key, shape: s.shape }));
        const published = publishedTensors(layout, hf);
        const byKey = (list: Array<{ key: string; shape: number[] }>) => [...list].sort((a, b) => a.key.localeCompare(b.key));
        expect(byKey(ours)).toEqual(byKey(published));
      });
    }
  }

  it('reads each layout\'s routing: Mixtral renormalises, Qwen2-MoE and OLMoE follow norm_topk_prob', () => {
    const router = (layout: Layout, overrides = {}) => fromHuggingFaceConfig(tinyConfig(layout, overrides) as HuggingFaceConfig, 'c').config.moe?.router;
    expect(router('mixtral')).toMatchObject({ strategy: 'tokenChoice', topK: 2, weighting: 'softmax', renormalize: true });
    expect(router('olmoe')).toMatchObject({ renormalize: false, zLossWeight: 0.001, balanceLossWeight: 2 * 0.01 }); // Transformers' loss is k × smoe's
    expect(router('qwen2_moe', { norm_topk_prob: true })).toMatchObject({ renormalize: true });
  });

  it('config.json round trip: written fields read back to the same model config', () => {
    for (const layout of layouts) {
      const { config } = fromHuggingFaceConfig(tinyConfig(layout) as HuggingFaceConfig, 'c');
      const resolved = resolveDecoderLanguageModelConfig(config);
      const again = fromHuggingFaceConfig(toHuggingFaceConfig(resolved, layout), 'c').config;
      expect(resolveDecoderLanguageModelConfig(again)).toEqual(resolved);
    }
  });
});

describe('config errors name the file, the key and what is supported', () => {
  it('a missing shape key', () => {
    const hf = tinyConfig('olmoe') as HuggingFaceConfig;
    delete hf.num_experts;
    expect(() => fromHuggingFaceConfig(hf, 'dir/config.json')).toThrow("dir/config.json: config.json has no 'num_experts', which a olmoe checkpoint needs to know its shapes");
  });

  it('unknown layouts and unsupported variants', () => {
    expect(() => fromHuggingFaceConfig(tinyConfig('mixtral', { model_type: 'deepseek_v3' }) as HuggingFaceConfig, 'c')).toThrow(/model_type "deepseek_v3" is not a layout smoe reads; supported: mixtral, qwen2_moe, olmoe/);
    expect(() => fromHuggingFaceConfig(tinyConfig('mixtral', { rope_scaling: { rope_type: 'yarn', factor: 4 } }) as HuggingFaceConfig, 'c')).toThrow(/'rope_scaling' is \{"rope_type":"yarn","factor":4\}; smoe supports only null/);
    expect(() => fromHuggingFaceConfig(tinyConfig('olmoe', { clip_qkv: 8 }) as HuggingFaceConfig, 'c')).toThrow(/'clip_qkv' is 8/);
    expect(() => fromHuggingFaceConfig(tinyConfig('qwen2_moe', { hidden_act: 'gelu' }) as HuggingFaceConfig, 'c')).toThrow(/'hidden_act' is "gelu"; smoe supports only "silu"/);
    expect(() => fromHuggingFaceConfig(tinyConfig('mixtral', { num_local_experts: 2.5 }) as HuggingFaceConfig, 'c')).toThrow(/'num_local_experts' is 2.5, expected a non-negative integer/);
  });

  it('a sliding window shorter than the positions limits the context, with a notice', () => {
    const read = fromHuggingFaceConfig(tinyConfig('mixtral', { sliding_window: 16 }) as HuggingFaceConfig, 'c');
    expect(read.config.context).toBe(16);
    expect(read.notices[0]).toMatch(/sliding-window attention of 16 tokens/);
  });

  it('refuses to write a layout that cannot hold the model, naming the one that can', () => {
    const olmoe = resolveDecoderLanguageModelConfig(fromHuggingFaceConfig(tinyConfig('olmoe') as HuggingFaceConfig, 'c').config);
    expect(() => toHuggingFaceConfig(olmoe, 'mixtral')).toThrow(/does not renormalise its top-k weights, and Mixtral always does; save as 'qwen2_moe'/);
    expect(() => toHuggingFaceConfig(olmoe, 'qwen2_moe')).toThrow(/normalises q and k \(qkNorm\), which only OLMoE does; save as 'olmoe'/);
    const usmoe = resolveDecoderLanguageModelConfig({ vocab: 8, context: 8, layers: 1, modelDim: 8, heads: 2, moe: { experts: 4, expertDim: 8, router: { strategy: 'usmoe', topK: 1.5 } } });
    expect(() => toHuggingFaceConfig(usmoe, 'qwen2_moe')).toThrow(/is not softmax top-k token choice/);
  });
});
