// The Hugging Face path of the demo: pre-train a tiny Mixtral-layout model, `export --hf`, load
// the folder back (same logits), score it with `eval --from-hf` (same loss as the run's own
// checkpoint) and with the training-free USMoE selection swap, from the CLI too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHuggingFace, saveByteTokenizer, saveHuggingFace } from '@smoe/hub';
import { DecoderLanguageModel, SequenceClassifier } from '@smoe/moe';
import { setBackend } from '@smoe/tensor';
import { defaultSettings } from '../src/settings.js';
import { runPretrain } from '../src/commands/pretrain.js';
import { runEvaluation, runHuggingFaceEvaluation } from '../src/commands/evaluate.js';
import { finetuneDefaults, runFinetune } from '../src/commands/finetune.js';
import { runExport } from '../src/commands/export.js';
import { openEmbeddingSource, runEmbeddingStudy } from '../src/commands/embed.js';
import { loadModel } from '../src/run.js';

const root = resolve(__dirname, '../../..');
const softmaxTopK = (renormalize: boolean) => ({ strategy: 'tokenChoice', topK: 2, weighting: 'softmax', renormalize });
const tiny = { steps: 4, batch: 2, context: 16, layers: 2, modelDim: 16, heads: 2, ffDim: 16, experts: 4, evalEvery: 4, evalSize: 200, checkpointEvery: 4, progress: false, backend: 'cpu', warmup: 0 };

describe('export --hf and eval --from-hf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoe-demo-hf-'));
  const run = join(dir, 'run');
  const hf = join(dir, 'hf');
  beforeAll(async () => {
    await runPretrain({ ...defaultSettings, ...tiny, architecture: 'mixtral', out: run }, () => {});
    await setBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a Mixtral folder with a tokenizer that loads back to the same logits', async () => {
    const r = await runExport(run, hf);
    expect(r.architecture).toBe('mixtral');
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) expect(existsSync(join(hf, f))).toBe(true);
    const { model } = await loadModel(run);
    const loaded = await loadHuggingFace(hf);
    const ids = Int32Array.from([67, 97, 108, 108, 32, 109, 101]);
    const before = await (await (model as DecoderLanguageModel).forward(ids, [1, 7])).data();
    const after = await (await loaded.model.forward(ids, [1, 7])).data();
    const gap = Math.max(...Array.from(after, (v, i) => Math.abs(v - before[i])));
    // The run's router weights the top 2 by a softmax over the two selected scores, Transformers' by
    // the full softmax renormalised over them: equal in exact arithmetic, a float32 rounding apart.
    expect(gap).toBeLessThan(1e-6);
  });

  it('scores the folder as the run scores itself, and with the USMoE selection swap', async () => {
    const options = { split: 'validation' as const, evalSize: 300, batch: 2 };
    const own = await runEvaluation(run, options);
    const fromHf = await runHuggingFaceEvaluation(hf, options);
    expect(fromHf.clean.loss).toBeCloseTo(own.clean.loss, 5);
    const swapped = await runHuggingFaceEvaluation(hf, { ...options, selection: 'usmoe@1.5' });
    expect(Number.isFinite(swapped.clean.bitsPerCharacter)).toBe(true);
    expect(swapped.clean.loss).not.toBe(fromHf.clean.loss);
  });

  it('fine-tunes the Mixtral-layout run on SpamAssassin; its checkpoint scores what the run reported', async () => {
    const fine = join(dir, 'fine');
    const f = await runFinetune(run, { ...finetuneDefaults, ...tiny, context: 32, out: fine, evalSize: 8 }, () => {});
    expect(f.test.examples).toBe(605); // every test message
    const { model } = await loadModel(fine);
    expect(model).toBeInstanceOf(SequenceClassifier);
    expect((model as SequenceClassifier).body).toBeInstanceOf(DecoderLanguageModel);
    const again = await runEvaluation(fine, { split: 'test', evalSize: 0 });
    expect(again.clean.accuracy).toBeCloseTo(f.test.accuracy, 10);
    expect(again.clean.f1).toBeCloseTo(f.test.f1, 10);
  });

  it('scores Qwen2-MoE and OLMoE folders too, with the USMoE swap', async () => {
    const layouts = {
      qwen2_moe: { qkvBias: true, ffDim: 24, moe: { experts: 4, expertDim: 16, sharedExpertDim: 20, denseLayers: [0], router: softmaxTopK(false) } },
      olmoe: { qkNorm: true, moe: { experts: 4, expertDim: 16, router: softmaxTopK(false) } },
    } as const;
    for (const [layout, extra] of Object.entries(layouts)) {
      const out = join(dir, layout);
      const model = new DecoderLanguageModel({ vocab: 259, context: 16, layers: 2, modelDim: 32, heads: 4, kvHeads: 2, seed: 3, ...extra });
      expect((await saveHuggingFace(model, out)).architecture).toBe(layout);
      saveByteTokenizer(out, ['<pad>', '<bos>', '<eos>']);
      const options = { split: 'validation' as const, evalSize: 300, batch: 2 };
      const plain = await runHuggingFaceEvaluation(out, options);
      const swapped = await runHuggingFaceEvaluation(out, { ...options, selection: 'usmoe@1.5' });
      expect(plain.checkpoint).toContain(`(${layout})`);
      // An untrained model is near uniform over its 259 tokens: about log2(259) = 8.02 bits.
      expect(plain.clean.bitsPerToken).toBeGreaterThan(7);
      expect(plain.clean.bitsPerToken).toBeLessThan(9);
      expect(swapped.clean.loss).not.toBe(plain.clean.loss);
      // MoEE on the folder: hidden state width modelDim, routing width (MoE layers) · experts
      const moeLayers = layout === 'qwen2_moe' ? 1 : 2;
      const study = await runEmbeddingStudy(await openEmbeddingSource(out, true), { trainSize: 6, testSize: 4, tokens: 12, batch: 3 });
      expect(study.checkpoint).toContain(`(${layout})`);
      expect(study.rows.map((r) => `${r.selection}/${r.kind}/${r.width}`)).toEqual(['trained', 'usmoe@2'].flatMap((s) => [`${s}/hidden/32`, `${s}/routing/${4 * moeLayers}`, `${s}/concat/${32 + 4 * moeLayers}`, `${s}/sum/${32 + 4 * moeLayers}`]));
    }
  });

  it('from the CLI; a GPT-2-style run is refused with what to do', () => {
    const demo = (...args: string[]) => spawnSync(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', join(root, 'apps/demo/src/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });
    const e = demo('eval', '--from-hf', hf, '--selection', 'usmoe@1.5', '--eval-size', '300', '--batch', '2', '--backend', 'cpu');
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/\(mixtral\) on moby-dick \(validation\)\n {2}clean: {5}[\d.]+ bits\/char/);
    const json = join(dir, 'embeddings.json');
    const m = demo('embed', '--from-hf', hf, '--selection', 'usmoe@1.5', '--train-size', '6', '--test-size', '4', '--batch', '3', '--out', json, '--backend', 'cpu');
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/\| usmoe@1\.5 \| routing \| 8 \|/); // 2 MoE layers · 4 experts, under the swap
    expect(m.stdout).toMatch(/first 16 tokens, embedded by .*\(mixtral\)/);
    expect(existsSync(json)).toBe(true);
    expect(demo('embed', '--from-hf', hf, '--from', hf).stderr).toMatch(/give one of --from .* or --from-hf/);
    const gpt2 = join(dir, 'gpt2');
    return runPretrain({ ...defaultSettings, ...tiny, out: gpt2 }, () => {}).then(() => {
      const x = demo('export', '--from', gpt2, '--hf', join(dir, 'nope'));
      expect(x.status).toBe(2);
      expect(x.stderr).toMatch(/holds a LanguageModel, which has no Transformers layout .* pre-train with --architecture mixtral to export/);
    });
  });
});
