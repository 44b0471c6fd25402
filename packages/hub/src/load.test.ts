// loadHuggingFace / saveHuggingFace on tiny checkpoints (2 layers, width 32, 4 experts) written in
// each layout from the published key names: logits against a float64 transcription of
// Transformers' forward pass (checkpoints.test-helpers.ts), a 1-layer case, bf16 / f16, sharded
// and unsharded folders, save → load round trips, and every bad folder with its error.
import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderLanguageModel, type DecoderLanguageModelConfig } from '@smoe/moe';
import { setBackend } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { loadHuggingFace } from './load.js';
import { saveHuggingFace } from './save.js';
import { referenceLogits, tinyConfig, writeCheckpoint, writeSafetensors, type Layout } from './checkpoints.test-helpers.js';

const layouts: Layout[] = ['mixtral', 'qwen2_moe', 'olmoe'];
const ids = [3, 17, 0, 39, 8, 8, 21];
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'smoe-hub-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const folder = (): string => join(root, `f${folders++}`);

/** Largest |a − b| between our logits and the reference's. */
async function logitsGap(model: DecoderLanguageModel, reference: number[][]): Promise<number> {
  const ours = (await (await model.forward(Int32Array.from(ids.slice(0, reference.length)), [1, reference.length])).data()) as Float32Array;
  return Math.max(...reference.flat().map((v, i) => Math.abs(v - ours[i])));
}

describeEachBackend('loadHuggingFace: logits of Transformers\' forward pass', () => {
  for (const layout of layouts) {
    it(`${layout}: 2 layers, width 32, 4 experts, grouped-query attention`, async () => {
      const dir = folder();
      const config = tinyConfig(layout);
      const tensors = writeCheckpoint(dir, layout, config, { seed: 11 });
      const { model, architecture, notices } = await loadHuggingFace(dir);
      expect(architecture).toBe(layout);
      expect(notices).toEqual([]);
      expect(await logitsGap(model, referenceLogits(layout, config, tensors, ids))).toBeLessThan(1e-5);
    });
  }

  it('a 1-layer Mixtral over 3 tokens, tied embeddings, renormalised top-2', async () => {
    const dir = folder();
    const config = tinyConfig('mixtral', { num_hidden_layers: 1, tie_word_embeddings: true });
    const tensors = writeCheckpoint(dir, 'mixtral', config, { seed: 12 });
    const { model } = await loadHuggingFace(dir);
    expect(model.head).toBeNull();
    expect(await logitsGap(model, referenceLogits('mixtral', config, tensors, ids.slice(0, 3)))).toBeLessThan(1e-5);
  });
});

describe('loadHuggingFace: storage', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  for (const dtype of ['BF16', 'F16'] as const) {
    it(`reads ${dtype}, converts to float32 exactly and says so`, async () => {
      const dir = folder();
      const config = tinyConfig('qwen2_moe');
      const tensors = writeCheckpoint(dir, 'qwen2_moe', config, { seed: 13, dtype });
      const { model, notices } = await loadHuggingFace(dir);
      expect(notices).toEqual([expect.stringMatching(new RegExp(`converted \\d+ ${dtype} tensor\\(s\\) to float32`))]);
      expect(await logitsGap(model, referenceLogits('qwen2_moe', config, tensors, ids))).toBeLessThan(1e-5);
    });
  }

  it('a sharded folder loads the same model as the single file', async () => {
    const one = folder();
    const three = folder();
    writeCheckpoint(one, 'olmoe', tinyConfig('olmoe'), { seed: 14 });
    writeCheckpoint(three, 'olmoe', tinyConfig('olmoe'), { seed: 14, shards: 3 });
    const a = await loadHuggingFace(one);
    const b = await loadHuggingFace(three);
    expect(b.files.map((f) => f.split('/').pop())).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    const weights = (m: DecoderLanguageModel) => Promise.all(m.parameters().map(async (t) => Array.from(await t.data())));
    expect(await weights(b.model)).toEqual(await weights(a.model));
  });
});

describe('saveHuggingFace → loadHuggingFace', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  for (const layout of layouts) {
    it(`${layout}: a loaded checkpoint written back holds the same tensors, and loads to identical logits`, async () => {
      const dir = folder();
      const out = folder();
      writeCheckpoint(dir, layout, tinyConfig(layout), { seed: 15 });
      const first = await loadHuggingFace(dir);
      const saved = await saveHuggingFace(first.model, out);
      expect(saved.architecture).toBe(layout);
      const second = await loadHuggingFace(out);
      const before = (await (await first.model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
      const after = (await (await second.model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
      expect(Array.from(after)).toEqual(Array.from(before));
      expect(readFileSync(join(out, 'model.safetensors')).subarray(0, 8)).toHaveLength(8);
      const written = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(written).toMatchObject({ ...tinyConfig(layout), torch_dtype: 'float32' });
    });
  }

  const trained: Array<[string, DecoderLanguageModelConfig, Layout]> = [
    ['a Mixtral-like model (renormalised routing)', { vocab: 40, context: 16, layers: 2, modelDim: 32, heads: 4, kvHeads: 2, moe: { experts: 4, expertDim: 16 }, seed: 4 }, 'mixtral'],
    ['a model without shared expert or biases, not renormalised → Qwen2-MoE with zero biases and a zero shared expert', { vocab: 40, context: 16, layers: 2, modelDim: 32, heads: 4, moe: { experts: 4, expertDim: 16, router: { strategy: 'tokenChoice', topK: 2, weighting: 'softmax' } }, seed: 5, tieEmbeddings: true }, 'qwen2_moe'],
    ['a Qwen2-MoE-like model with a dense first layer, sharded', { vocab: 40, context: 16, layers: 2, modelDim: 32, heads: 4, ffDim: 24, qkvBias: true, moe: { experts: 4, expertDim: 16, sharedExpertDim: 20, denseLayers: [0] }, seed: 6 }, 'qwen2_moe'],
  ];
  for (const [name, config, layout] of trained) {
    it(`a smoe model: ${name}`, async () => {
      const model = new DecoderLanguageModel(config);
      const out = folder();
      const saved = await saveHuggingFace(model, out, { maxShardBytes: config.qkvBias ? 40_000 : undefined });
      expect(saved.architecture).toBe(layout);
      if (config.qkvBias) expect(saved.files.some((f) => f.endsWith('model.safetensors.index.json'))).toBe(true);
      const loaded = await loadHuggingFace(out);
      const before = (await (await model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
      const after = (await (await loaded.model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
      expect(Math.max(...Array.from(after, (v, i) => Math.abs(v - before[i])))).toBeLessThan(1e-6);
    });
  }

  it('says what Transformers does not carry: a swapped selection rule', async () => {
    const model = new DecoderLanguageModel(trained[0][1]);
    model.setSelection({ rule: 'usmoe', topK: 1.5 });
    const { notices } = await saveHuggingFace(model, folder());
    expect(notices[0]).toMatch(/selection rule \{"rule":"usmoe","topK":1.5\} is not carried over/);
  });
});

describe('bad folders: each error names the file, the tensor and what to do', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  const good = (layout: Layout = 'mixtral', options = {}): string => {
    const dir = folder();
    writeCheckpoint(dir, layout, tinyConfig(layout), { seed: 16, ...options });
    return dir;
  };

  it('no config.json, or a config key missing', async () => {
    const dir = good();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config.hidden_size;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    await expect(loadHuggingFace(dir)).rejects.toThrow(`${dir}/config.json: config.json has no 'hidden_size'`);
    unlinkSync(join(dir, 'config.json'));
    await expect(loadHuggingFace(dir)).rejects.toThrow(`config.json not found: ${dir}/config.json`);
  });

  it('a tensor of the wrong shape', async () => {
    const dir = good();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 12 }));
    await expect(loadHuggingFace(dir)).rejects.toThrow(/model\.safetensors: tensor 'model\.layers\.0\.block_sparse_moe\.experts\.0\.w1\.weight' has shape \[16, 32\], but config\.json implies \[12, 32\]/);
  });

  it('a missing shard', async () => {
    const dir = good('olmoe', { shards: 2 });
    unlinkSync(join(dir, 'model-00002-of-00002.safetensors'));
    await expect(loadHuggingFace(dir)).rejects.toThrow(/shard model-00002-of-00002\.safetensors is missing from .* \(it holds \d+ tensors, e\.g\. model\.layers\.1\..*\); download it again/);
  });

  it('a truncated file', async () => {
    const dir = good();
    const path = join(dir, 'model.safetensors');
    truncateSync(path, statSync(path).size - 100);
    await expect(loadHuggingFace(dir)).rejects.toThrow(/model\.safetensors: truncated file: tensor 'lm_head\.weight' ends at data byte \d+, but the file holds \d+ data bytes/);
    truncateSync(path, 4);
    await expect(loadHuggingFace(dir)).rejects.toThrow(/truncated file: the header length needs 8 bytes at offset 0, found 4/);
  });

  it('an unknown dtype', async () => {
    const dir = good();
    writeSafetensors(join(dir, 'model.safetensors'), [{ key: 'model.embed_tokens.weight', shape: [40, 32], values: new Float32Array(40 * 32), dtype: 'F8_E4M3' }]);
    await expect(loadHuggingFace(dir)).rejects.toThrow(/tensor 'model\.embed_tokens\.weight' has dtype "F8_E4M3", which smoe cannot read; readable dtypes are F32, F16, BF16, F64/);
  });

  it('a missing tensor, an unexpected tensor, no weights at all', async () => {
    const dir = good();
    writeSafetensors(join(dir, 'model.safetensors'), [{ key: 'model.embed_tokens.weight', shape: [40, 32], values: new Float32Array(40 * 32) }]);
    await expect(loadHuggingFace(dir)).rejects.toThrow(/tensor\(s\) of a mixtral model with this config\.json are in no file, e\.g\. model\.layers\.0\.input_layernorm\.weight/);
    writeSafetensors(join(dir, 'model.safetensors'), [{ key: 'model.layers.0.mlp.gate.weight', shape: [4, 32], values: new Float32Array(128) }]);
    await expect(loadHuggingFace(dir)).rejects.toThrow(/tensor 'model\.layers\.0\.mlp\.gate\.weight' is not part of a mixtral model/);
    unlinkSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'pytorch_model.bin'), '');
    await expect(loadHuggingFace(dir)).rejects.toThrow(/no model\.safetensors or model\.safetensors\.index\.json \(found pytorch_model\.bin: smoe reads safetensors only/);
  });
});
