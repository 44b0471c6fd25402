/**
 * What the demo trains: data sources, models and evaluations for each data set, built from
 * run settings. Text is byte-level (vocabulary 259: 256 bytes + pad/bos/eos); images are MNIST
 * 28×28 in patches.
 */
import { byteTokenizer, classificationBatches, imageBatches, lmBatches, mnist, mnistTask, spamAssassin, textCorpus, type CorpusName } from '@smoe/datasets/node';
import { SequenceClassifier, VisionTransformer, fineGrainedSizes, type DecoderLanguageModelConfig, type LanguageModelBase, type LanguageModelConfig, type MoEConfig, type VisionTransformerConfig } from '@smoe/moe';
import { UsageError } from './args.js';
import { noGrad, type Module } from '@smoe/tensor';
import type { DatasetName, RunSettings } from './settings.js';

/** Strategies whose k the demo's --top-k sets; the others keep their paper's default (Switch 1, GShard 2, VQ 1…). */
const takesTopK = new Set(['tokenChoice', 'noisyTopK', 'expertChoice', 'usmoe', 'xmoe', 'hyperRouter', 'competeSMoE', 'auxiliaryLossFree', 'batchPrioritized', 'dselectK', 'remoe']);

/**
 * The codebook options of the demo's `vqmoe` preset (override with --router-options): the
 * authors' damped straight-through estimator (c = 0.05; docs/routing.md §4), k-means
 * initialisation and dead-code restart.
 */
export const vqmoeCodebook = { straightThrough: 'damped', dampRate: 0.05, kmeansInit: true, deadCodeThreshold: 2 };

/** The MoE part of a model config for a router setting (null: dense). */
export function moeConfig(s: RunSettings): MoEConfig | null {
  if (s.router === 'dense') return null;
  const base = { experts: s.experts, expertDim: s.ffDim };
  // VQMoE: the discrete path's codebook starts from k-means of the first batch and restarts
  // codes used by fewer than 2 tokens per batch; without both it collapses to one code
  // (measured: code perplexity 1.0 of 8 after 100 steps on the default run).
  if (s.router === 'vqmoe') return { ...base, vq: { regime: 'mixed', router: { strategy: 'vq', ...vqmoeCodebook, ...s.routerOptions } } } as MoEConfig;
  // Soft MoE: slots mixing all patches of an image; the ViT only (the LM refuses it: not causal).
  if (s.router === 'softMoE') return { ...base, soft: { ...s.routerOptions } } as MoEConfig;
  // MoE++: null, copy and constant experts beside the FFN experts, top-k over both, gating residual.
  if (s.router === 'moepp') return { ...base, zeroComputation: { topK: s.topK, ...s.routerOptions } } as MoEConfig;
  if (s.router === 'smoe') return { ...base, router: { strategy: 'tokenChoice', topK: 2, weighting: 'softmaxTopK', ...s.routerOptions } } as MoEConfig;
  // DeepSeekMoE: fine-grained experts (granularity m) and shared experts at the coarse model's
  // active parameters; the deepseek preset adds DeepSeek-V3's sigmoid, auxiliary-loss-free gate.
  const deepseek = s.router === 'deepseek';
  const granularity = s.expertGranularity ?? (deepseek ? 4 : 1);
  const sharedExperts = s.sharedExperts ?? (deepseek ? 1 : 0);
  const strategy = deepseek ? 'auxiliaryLossFree' : s.router;
  if (granularity > 1 || sharedExperts > 0) {
    if (!takesTopK.has(strategy) || !Number.isInteger(s.topK)) throw new UsageError(`--expert-granularity and --shared-experts need a router with an integer --top-k (${[...takesTopK].join(', ')}, deepseek); got ${s.router} with top-k ${s.topK}`);
    const fine = fineGrainedSizes({ experts: s.experts, expertDim: s.ffDim, topK: s.topK, granularity, sharedExperts });
    return { experts: fine.experts, expertDim: fine.expertDim, sharedExperts: fine.sharedExperts, router: { strategy, topK: fine.topK, ...s.routerOptions } } as MoEConfig;
  }
  const router = { strategy, ...(takesTopK.has(strategy) ? { topK: s.topK } : {}), ...s.routerOptions };
  return { ...base, router } as MoEConfig;
}

/** The task kind of a data set. */
export function taskOf(dataset: DatasetName): 'lm' | 'spam' | 'vision' {
  if (dataset === 'moby-dick' || dataset === 'sotu') return 'lm';
  if (dataset === 'spam') return 'spam';
  return 'vision';
}

export const tokenizer = byteTokenizer();

/** A decoder LM config from settings: GPT-2 style, or Transformers' Mixtral layout (`architecture: 'mixtral'`). */
export function languageModelConfig(s: RunSettings): LanguageModelConfig | DecoderLanguageModelConfig {
  const common = { vocab: tokenizer.vocabSize, context: s.context, layers: s.layers, modelDim: s.modelDim, heads: s.heads, ffDim: s.ffDim, seed: s.seed };
  if (s.architecture !== 'mixtral') return { ...common, moe: moeConfig(s) };
  const moe = moeConfig(s);
  if (moe?.vq) throw new UsageError("--architecture mixtral: the vqmoe preset is not a Transformers layout; use a router strategy or 'dense'");
  return { ...common, model: 'decoderLanguageModel', moe: moe && { experts: moe.experts, expertDim: s.ffDim, router: moe.router } };
}

/** A ViT config from settings (MNIST 28×28, 10 classes; 5 for the digit tasks). */
export function visionConfig(s: RunSettings): VisionTransformerConfig {
  const classes = s.dataset === 'mnist' ? 10 : 5;
  return { imageHeight: 28, imageWidth: 28, patch: s.patch, classes, layers: s.layers, modelDim: s.modelDim, heads: s.heads, ffDim: s.ffDim, moe: moeConfig(s), seed: s.seed };
}

/** Byte ids of a corpus split. */
export function corpusTokens(dataset: DatasetName, split: 'train' | 'validation' | 'test', limit = 0): Int32Array {
  const text = textCorpus(dataset as CorpusName, split);
  return tokenizer.encode(limit > 0 ? text.slice(0, limit) : text);
}

/** LM training batches. */
export function lmTrainingData(s: RunSettings) {
  return lmBatches(corpusTokens(s.dataset, 'train'), { context: s.context, batch: s.batch, seed: s.seed, mode: 'random' });
}

/** Runs `fn` with `model` in evaluation mode, restoring its mode afterwards (also on error). */
async function inEvalMode<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const wasTraining = model.training;
  model.eval();
  try {
    return await fn();
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Mean validation loss (nats per token) of a language model over sequential windows of `tokens`.
 * With `inputs` (ids aligned with `tokens`, e.g. a corrupted reading of the same text) the model
 * reads them and is scored on predicting `tokens`: the robustness setting.
 */
export async function evaluateLanguageModel(
  model: LanguageModelBase,
  tokens: Int32Array,
  context: number,
  batch: number,
  inputs?: Int32Array,
): Promise<{ loss: number; bitsPerCharacter: number; tokens: number; routing: Record<string, number> }> {
  if (inputs && inputs.length !== tokens.length) throw new Error(`evaluation: ${inputs.length} input ids are not aligned with ${tokens.length} target ids`);
  let total = 0;
  let count = 0;
  // routing statistics averaged over batches (load CV, experts run per token, …)
  const routing: Record<string, number> = {};
  let batches = 0;
  await inEvalMode(model, async () => {
    for (const b of lmBatches(tokens, { context, batch, mode: 'sequential', dropLast: true })) {
      const n = b.batch * b.context;
      if (inputs) b.starts.forEach((start, row) => b.inputs.set(inputs.subarray(start, start + context), row * context));
      const result = await noGrad(() => model.loss(b));
      total += (await result.taskLoss.item()) * n;
      count += n;
      batches++;
      for (const [k, v] of Object.entries(result.metrics)) if (k.startsWith('routing.')) routing[k.slice(8)] = (routing[k.slice(8)] ?? 0) + v;
    }
  });
  if (count === 0) throw new Error(`evaluation: fewer than ${context * batch + 1} validation tokens; lower --context or --batch`);
  for (const k of Object.keys(routing)) routing[k] /= batches;
  const loss = total / count;
  return { loss, bitsPerCharacter: loss / Math.LN2, tokens: count, routing };
}

/** SpamAssassin as token ids (byte ids unless `encode` is another tokenizer's), truncated to `maxLength`. */
export function spamData(split: 'train' | 'validation' | 'test', maxLength: number, encode: (text: string) => Int32Array = (text) => tokenizer.encode(text)) {
  const set = spamAssassin(split, { stripHeaders: true });
  // 16 characters per token is ample for bytes and for the BPE vocabularies of LLMs
  const ids = set.texts.map((t) => encode(t.slice(0, maxLength * 16)).slice(0, maxLength));
  return { ids, labels: set.labels, classNames: set.classNames };
}

/** Classification batches over SpamAssassin. */
export function spamBatches(split: 'train' | 'validation' | 'test', s: RunSettings, shuffle: boolean) {
  const { ids, labels } = spamData(split, s.context);
  return classificationBatches(ids, labels, { batch: s.batch, maxLength: s.context, pad: tokenizer.pad, seed: s.seed, shuffle, padTo: 'max', ...(shuffle ? {} : { dropLast: false, epochs: 1 }) });
}

/** Accuracy and F1 of the positive class (spam = 1) for predictions vs labels. */
export function classificationScores(predicted: ArrayLike<number>, labels: ArrayLike<number>): { accuracy: number; f1: number; examples: number } {
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === labels[i]) correct++;
    if (predicted[i] === 1 && labels[i] === 1) tp++;
    if (predicted[i] === 1 && labels[i] !== 1) fp++;
    if (predicted[i] !== 1 && labels[i] === 1) fn++;
  }
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { accuracy: correct / Math.max(labels.length, 1), f1, examples: labels.length };
}

/** Scores a sequence classifier on a split (optionally through a text corruption of the inputs). */
export async function evaluateClassifier(model: SequenceClassifier, split: 'train' | 'validation' | 'test', s: RunSettings, limit = 0, transform?: (ids: Int32Array, index: number) => Int32Array) {
  const all = spamData(split, s.context);
  // A subset is every k-th message, so both classes are represented (splits are stored by group).
  const n = limit > 0 ? Math.min(limit, all.ids.length) : all.ids.length;
  const stride = all.ids.length / n;
  const pick = Array.from({ length: n }, (_, i) => Math.floor(i * stride));
  const labels = Int32Array.from(pick, (i) => all.labels[i]);
  const inputs = pick.map((j, i) => (transform ? transform(all.ids[j], i).slice(0, s.context) : all.ids[j]));
  const predicted = new Int32Array(n);
  await inEvalMode(model, async () => {
    for (const b of classificationBatches(inputs, labels, { batch: s.batch, maxLength: s.context, pad: tokenizer.pad, shuffle: false, padTo: 'max' })) {
      const logits = await noGrad(() => model.forward(b.inputs, [b.batch, b.length], b.mask));
      const arg = await logits.argmax().data();
      b.indices.forEach((index, row) => (predicted[index] = arg[row]));
    }
  });
  return classificationScores(predicted, labels);
}

/** The images and labels of a vision data set split. */
export function visionData(dataset: DatasetName, split: 'train' | 'test') {
  if (dataset === 'mnist') {
    const set = mnist(split);
    return { images: set.images, labels: Int32Array.from(set.labels), count: set.count };
  }
  const set = mnistTask(dataset as 'digits0to4' | 'digits5to9', split);
  return { images: set.images, labels: Int32Array.from(set.labels), count: set.count };
}

/** Vision training batches. */
export function visionBatches(s: RunSettings) {
  const { images, labels } = visionData(s.dataset, 'train');
  return imageBatches(images, labels, { batch: s.batch, seed: s.seed });
}

/** Accuracy of a ViT on the first `limit` test images (optionally transformed, e.g. corrupted). */
export async function evaluateVision(model: VisionTransformer, dataset: DatasetName, batch: number, limit = 0, transform?: (images: Float32Array, count: number) => Float32Array): Promise<{ accuracy: number; examples: number }> {
  const data = visionData(dataset, 'test');
  const n = limit > 0 ? Math.min(limit, data.count) : data.count;
  let images = data.images.subarray(0, n * 784);
  if (transform) images = transform(images, n);
  let correct = 0;
  await inEvalMode(model, async () => {
    for (const b of imageBatches(images, data.labels.subarray(0, n), { batch, shuffle: false })) {
      const logits = await noGrad(() => model.forward(b.images, b.batch));
      const arg = await logits.argmax().data();
      for (let i = 0; i < b.batch; i++) if (arg[i] === b.labels[i]) correct++;
    }
  });
  return { accuracy: correct / n, examples: n };
}
