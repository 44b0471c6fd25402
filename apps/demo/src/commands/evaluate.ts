/**
 * eval: clean and corrupted metrics of a checkpoint — bits per character for a language model,
 * accuracy (and F1) for a classifier or ViT. The data set and sizes come from the run's
 * summary.json when there is one; flags override them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LanguageModelBase, SequenceClassifier, VisionTransformer, type SelectionConfig } from '@smoe/moe';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { corruptMnist, corruptString, parseCorruption, type Corruption } from '../corruption.js';
import { fmt, loadHuggingFaceFolder, loadModel, readJsonFile, useBackend } from '../run.js';
import { defaultSettings, validateSettings, datasetNames, type DatasetName, type RunSettings } from '../settings.js';
import { evaluateClassifier, evaluateLanguageModel, evaluateVision, tokenizer } from '../tasks.js';
import { textCorpus, type CorpusName } from '@smoe/datasets/node';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'checkpoint file or run folder (this or --from-hf is required)' },
  'from-hf': { type: 'string', help: 'a Transformers Mixtral / Qwen2-MoE / OLMoE folder (config.json, safetensors, tokenizer.json), scored with its own tokenizer' },
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
    if (!existsSync(file)) continue;
    const summary = readJsonFile(file) as { settings?: RunSettings };
    if (typeof summary?.settings !== 'object' || summary.settings === null) throw new UsageError(`${file} has no settings object; it was not written by this demo, or it was edited (delete it and pass --dataset)`);
    return summary.settings;
  }
  return undefined;
}

/** Scores a model on clean data and, with `corruption`, on corrupted data. */
export async function runEvaluation(from: string, options: { dataset?: DatasetName; split: 'validation' | 'test'; evalSize?: number; batch?: number; seed?: number; corruption?: Corruption; selection?: string }): Promise<EvalResult> {
  const { model, path } = await loadModel(from);
  if (options.selection) {
    const moe = model instanceof SequenceClassifier ? model.config.body.moe : model.config.moe;
    if (!moe) throw new UsageError(`eval: --selection needs a MoE model; ${path} is dense`);
    model.setSelection(parseSelection(options.selection));
  }
  const saved = runSettings(path);
  let s: RunSettings;
  try {
    s = validateSettings({ ...defaultSettings, ...saved, ...(options.dataset ? { dataset: options.dataset } : {}), ...(options.evalSize !== undefined ? { evalSize: options.evalSize } : {}), ...(options.batch !== undefined ? { batch: options.batch } : {}) });
  } catch (error) {
    throw new UsageError(`eval: ${(error as Error).message}${saved ? ' (flags over the run\'s summary.json)' : ''}`);
  }
  const kind = model instanceof VisionTransformer ? 'images' : model instanceof SequenceClassifier ? 'spam' : 'text';
  const fits = kind === 'images' ? !['moby-dick', 'sotu', 'spam'].includes(s.dataset) : kind === 'spam' ? s.dataset === 'spam' || !options.dataset : s.dataset === 'moby-dick' || s.dataset === 'sotu';
  if (options.dataset && !fits) {
    const allowed = kind === 'images' ? 'mnist, digits0to4 or digits5to9' : kind === 'spam' ? 'spam' : 'moby-dick or sotu';
    throw new UsageError(`eval: --dataset ${options.dataset} does not fit ${path}, a ${kind === 'images' ? 'vision model' : kind === 'spam' ? 'spam classifier' : 'language model'}; use ${allowed}`);
  }
  const seed = options.seed ?? 0;
  const c = options.corruption;
  if (model instanceof LanguageModelBase) {
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
    const clean = await evaluateClassifier(model, options.split, s, s.evalSize);
    const corrupted = c
      ? await evaluateClassifier(model, options.split, s, s.evalSize, (ids, i) => tokenizer.encode(corruptString(tokenizer.decode(ids), c, seed + i)))
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

/** --selection rule[@k] as a selection config (k: topK). */
export function parseSelection(spec: string): SelectionConfig {
  const [rule, k] = spec.split('@');
  if (!rule || (k !== undefined && !(Number(k) > 0))) throw new UsageError(`--selection ${spec}: expected rule[@k], e.g. usmoe@1.5`);
  return { rule, ...(k !== undefined ? { topK: Number(k) } : {}) };
}

/**
 * Scores a Transformers checkpoint folder on the demo's text with the folder's own tokenizer:
 * bits per token, and bits per character (the loss of all tokens spread over the characters).
 */
export async function runHuggingFaceEvaluation(dir: string, options: { dataset?: DatasetName; split: 'validation' | 'test'; evalSize?: number; batch?: number; seed?: number; corruption?: Corruption; selection?: string }): Promise<EvalResult> {
  const { model, architecture, tokenizer: hfTokenizer } = await loadHuggingFaceFolder(dir, 'eval');
  if (options.selection) model.setSelection(parseSelection(options.selection));
  const dataset = options.dataset === 'sotu' ? 'sotu' : 'moby-dick';
  const evalSize = options.evalSize ?? defaultSettings.evalSize;
  const text = textCorpus(dataset as CorpusName, options.split).slice(0, evalSize > 0 ? evalSize : undefined);
  const context = Math.min(defaultSettings.context, model.config.context);
  const score = async (t: string) => {
    const ids = hfTokenizer.encode(t);
    const r = await evaluateLanguageModel(model, ids, context, options.batch ?? defaultSettings.batch);
    return { bitsPerToken: r.bitsPerCharacter, bitsPerCharacter: (r.bitsPerCharacter * ids.length) / t.length, loss: r.loss };
  };
  const clean = await score(text);
  const c = options.corruption;
  const corrupted = c ? await score(corruptString(text, c, options.seed ?? 0)) : undefined;
  return { checkpoint: `${dir} (${architecture})`, dataset, split: options.split, clean, corrupted, corruption: c };
}

/** `pnpm demo eval --from <checkpoint> [--corrupt kind:severity]`. */
export async function evaluate(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('eval', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('eval', 'Evaluates a checkpoint: bits per character (LM) or accuracy (classifier, ViT), clean and corrupted.', flags, { split: 'validation', seed: 0, backend: 'auto', 'eval-size': "the run's", batch: "the run's" }));
    return;
  }
  const fromHf = parsed['from-hf'];
  if (typeof parsed.from !== 'string' && typeof fromHf !== 'string') throw new UsageError('eval: --from <checkpoint or run folder> or --from-hf <Transformers folder> is required');
  for (const flag of ['batch', 'eval-size', 'seed'] as const) {
    const v = parsed[flag];
    const min = flag === 'batch' ? 1 : 0;
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) throw new UsageError(`eval: --${flag} ${String(v)} is invalid; allowed: an integer ≥ ${min}`);
  }
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'auto');
  const isImage = typeof parsed.from === 'string' && (await loadModel(parsed.from)).model instanceof VisionTransformer;
  const corruption = typeof parsed.corrupt === 'string' ? parseCorruption(parsed.corrupt, isImage ? 'image' : 'text') : undefined;
  const run = typeof fromHf === 'string' ? (o: Parameters<typeof runEvaluation>[1]) => runHuggingFaceEvaluation(fromHf, o) : (o: Parameters<typeof runEvaluation>[1]) => runEvaluation(parsed.from as string, o);
  const r = await run({
    dataset: parsed.dataset as DatasetName | undefined,
    split: (parsed.split as 'validation' | 'test' | undefined) ?? 'validation',
    evalSize: parsed['eval-size'] as number | undefined,
    batch: parsed.batch as number | undefined,
    seed: parsed.seed as number | undefined,
    corruption,
    selection: parsed.selection as string | undefined,
  });
  const show = (m: Record<string, number>) => (m.bitsPerCharacter !== undefined ? `${fmt(m.bitsPerCharacter)} bits/char${m.bitsPerToken !== undefined ? `, ${fmt(m.bitsPerToken)} bits/token` : ''}` : `accuracy ${fmt(m.accuracy * 100, 2)} %${m.f1 !== undefined ? `, F1 ${fmt(m.f1)}` : ''}`);
  console.log(`${r.checkpoint} on ${r.dataset} (${r.split})`);
  console.log(`  clean:     ${show(r.clean)}`);
  if (r.corrupted && r.corruption) console.log(`  ${r.corruption.kind}:${r.corruption.severity}: ${show(r.corrupted)}`);
  console.log(JSON.stringify(r));
}
