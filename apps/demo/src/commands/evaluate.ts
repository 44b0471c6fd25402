/**
 * eval: clean and corrupted metrics of a checkpoint — bits per character for a language model,
 * accuracy (and F1) for a classifier or ViT. The data set and sizes come from the run's
 * summary.json when there is one; flags override them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LanguageModel, SequenceClassifier, VisionTransformer } from '@smoe/moe';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { corruptMnist, corruptString, parseCorruption, type Corruption } from '../corruption.js';
import { fmt, loadModel, useBackend } from '../run.js';
import { defaultSettings, validateSettings, datasetNames, type DatasetName, type RunSettings } from '../settings.js';
import { evaluateClassifier, evaluateLanguageModel, evaluateVision, tokenizer } from '../tasks.js';
import { textCorpus, type CorpusName } from '@smoe/datasets/node';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'checkpoint file or run folder (required)' },
  selection: { type: 'string', help: "swap the trained routers' selection rule before scoring, as rule[@k] (e.g. usmoe@1.5: training-free USMoE on a token-choice model)" },
  corrupt: { type: 'string', help: 'also evaluate under a corruption, as kind:severity (e.g. substitution:3, gaussian-noise:2)' },
  dataset: { type: 'string', help: 'data set (default: the run\'s)', choices: datasetNames },
  split: { type: 'string', help: 'split to score', choices: ['validation', 'test'] },
  'eval-size': { type: 'number', help: 'characters / examples to score (0: all)' },
  batch: { type: 'number', help: 'batch size' },
  seed: { type: 'number', help: 'seed of the corruption' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Clean and corrupted metrics. */
export interface EvalResult {
  checkpoint: string;
  dataset: string;
  split: string;
  clean: Record<string, number>;
  corrupted?: Record<string, number>;
  corruption?: Corruption;
}

function runSettings(checkpoint: string): RunSettings | undefined {
  for (const dir of [dirname(dirname(checkpoint)), dirname(checkpoint)]) {
    const file = join(dir, 'summary.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { settings: RunSettings }).settings;
  }
  return undefined;
}

/** Scores a model on clean data and, with `corruption`, on corrupted data. */
export async function runEvaluation(from: string, options: { dataset?: DatasetName; split: 'validation' | 'test'; evalSize?: number; batch?: number; seed?: number; corruption?: Corruption; selection?: string }): Promise<EvalResult> {
  const { model, path } = await loadModel(from);
  if (options.selection) {
    const [rule, k] = options.selection.split('@');
    const moe = model instanceof SequenceClassifier ? model.config.body.moe : model.config.moe;
    if (!moe) throw new UsageError(`eval: --selection needs a MoE model; ${path} is dense`);
    model.setSelection({ rule, ...(k !== undefined ? { topK: Number(k) } : {}) });
  }
  const saved = runSettings(path);
  const s = validateSettings({ ...defaultSettings, ...saved, ...(options.dataset ? { dataset: options.dataset } : {}), ...(options.evalSize !== undefined ? { evalSize: options.evalSize } : {}), ...(options.batch ? { batch: options.batch } : {}) });
  const seed = options.seed ?? 0;
  const c = options.corruption;
  if (model instanceof LanguageModel) {
    const dataset = s.dataset === 'sotu' ? 'sotu' : 'moby-dick';
    const text = textCorpus(dataset as CorpusName, options.split).slice(0, s.evalSize > 0 ? s.evalSize : undefined);
    const score = async (t: string) => {
      const r = await evaluateLanguageModel(model, tokenizer.encode(t), model.config.context, s.batch);
      return { bitsPerCharacter: r.bitsPerCharacter, loss: r.loss };
    };
    const clean = await score(text);
    const corrupted = c ? await score(corruptString(text, c, seed)) : undefined;
    return { checkpoint: path, dataset, split: options.split, clean, corrupted, corruption: c };
  }
  if (model instanceof SequenceClassifier) {
    const settings = s;
    const clean = await evaluateClassifier(model, options.split, settings, s.evalSize);
    const corrupted = c
      ? await evaluateClassifier(model, options.split, settings, s.evalSize, (ids, i) => tokenizer.encode(corruptString(tokenizer.decode(ids), c, seed + i)))
      : undefined;
    return { checkpoint: path, dataset: 'spam', split: options.split, clean, corrupted, corruption: c };
  }
  if (model instanceof VisionTransformer) {
    const dataset = s.dataset === 'moby-dick' || s.dataset === 'sotu' || s.dataset === 'spam' ? 'mnist' : s.dataset;
    const clean = await evaluateVision(model, dataset, s.batch, s.evalSize);
    const corrupted = c ? await evaluateVision(model, dataset, s.batch, s.evalSize, (images, n) => corruptMnist(images, n, c, seed)) : undefined;
    return { checkpoint: path, dataset, split: 'test', clean, corrupted, corruption: c };
  }
  throw new UsageError(`eval: cannot evaluate a ${(model as object).constructor.name}`);
}

/** `pnpm demo eval --from <checkpoint> [--corrupt kind:severity]`. */
export async function evaluate(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('eval', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('eval', 'Evaluates a checkpoint: bits per character (LM) or accuracy (classifier, ViT), clean and corrupted.', flags));
    return;
  }
  if (typeof parsed.from !== 'string') throw new UsageError('eval: --from <checkpoint or run folder> is required');
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'auto');
  const { model } = await loadModel(parsed.from);
  const isImage = model instanceof VisionTransformer;
  const corruption = typeof parsed.corrupt === 'string' ? parseCorruption(parsed.corrupt, isImage ? 'image' : 'text') : undefined;
  const r = await runEvaluation(parsed.from, {
    dataset: parsed.dataset as DatasetName | undefined,
    split: (parsed.split as 'validation' | 'test' | undefined) ?? 'validation',
    evalSize: parsed['eval-size'] as number | undefined,
    batch: parsed.batch as number | undefined,
    seed: parsed.seed as number | undefined,
    corruption,
    selection: parsed.selection as string | undefined,
  });
  const show = (m: Record<string, number>) => (m.bitsPerCharacter !== undefined ? `${fmt(m.bitsPerCharacter)} bits/char` : `accuracy ${fmt(m.accuracy * 100, 2)} %${m.f1 !== undefined ? `, F1 ${fmt(m.f1)}` : ''}`);
  console.log(`${r.checkpoint} on ${r.dataset} (${r.split})`);
  console.log(`  clean:     ${show(r.clean)}`);
  if (r.corrupted && r.corruption) console.log(`  ${r.corruption.kind}:${r.corruption.severity}: ${show(r.corrupted)}`);
  console.log(JSON.stringify(r));
}
