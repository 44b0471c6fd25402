/**
 * SequenceClassifier: a language model's body with a classification head, for fine-tuning a
 * pre-trained LM (the VQMoE paper's second stage: fine-tune with the discrete path only).
 *   h = LM.hidden(ids)                               [batch, T, modelDim]
 *   pooled = mean over real tokens (mask)  |  max over real tokens, feature by feature  |  the last real token's state
 *   logits = Dropout(pooled) · W + b                  [batch, classes]
 *   loss = CE(logits, labels) + λ · CE(LM.logits(h), next ids) + Σ_layers aux
 * The middle term (`lmWeight` λ, default 0 = off) is GPT-1's auxiliary language-modelling
 * objective during fine-tuning (Radford et al. 2018, λ = 0.5 there): the body keeps predicting
 * the next character of the task's own text, a per-token signal beside the one label per sequence.
 * The body is either language model — GPT-2 style (LanguageModel) or the Transformers layout
 * (DecoderLanguageModel, `body.model: 'decoderLanguageModel'`) — and keeps its LM head (unused
 * here) so that a pre-trained LM's state dict loads as is:
 * `SequenceClassifier.fromPretrained(lm, { classes: 2 })`.
 * Sequences longer than the body's context are read whole, in chunks of `context` positions:
 * the ids are padded to a whole number of chunks, each chunk goes through the body on its own
 * (attention and routing stay within a chunk), and pooling runs over all real tokens of the
 * sequence.
 *
 * Config (defaults): body (a LanguageModelConfig or DecoderLanguageModelConfig), classes, pool ('mean'), dropout (0),
 * seed (0, the head's initial weights), lmWeight (0).
 */
import { Rng, crossEntropy, dropout, indexSelect, init, tensor, type Tensor } from '@smoe/tensor';
import { idsTensor, lossResult, type ForwardOptions, type LossResult } from './backbone.js';
import { DecoderLanguageModel, resolveDecoderLanguageModelConfig, type DecoderLanguageModelConfig, type ResolvedDecoderLanguageModelConfig } from './decoder_language_model.js';
import { LanguageModel, resolveLanguageModelConfig, type LanguageModelBase, type LanguageModelConfig, type ResolvedLanguageModelConfig } from './language_model.js';
import { MoEModel } from './moe_model.js';
import { checkInteger, checkKeys, checkNumber, checkObject, checkOneOf, invalid, orDefault } from './validate.js';

/** How a sequence becomes one vector: the mean or the feature-wise max over the real tokens, or the last real token. */
export type Pooling = 'mean' | 'max' | 'last';

/** The pooling rules SequenceClassifier accepts. */
export const poolings: readonly Pooling[] = ['mean', 'max', 'last'];

/** The config of a SequenceClassifier (plain JSON). */
export interface SequenceClassifierConfig {
  model?: 'sequenceClassifier';
  /** The language model under the head. */
  body: LanguageModelConfig | DecoderLanguageModelConfig;
  /** Number of classes. */
  classes: number;
  /** 'mean' over real tokens (default), their feature-wise 'max', or the 'last' real token. */
  pool?: Pooling;
  /** Dropout on the pooled vector. Default 0. */
  dropout?: number;
  /** Seed of the head's weights. Default 0. */
  seed?: number;
  /** Weight λ of the auxiliary next-token loss on the sequence's own tokens (GPT-1's; 0.5 there). Default 0: off. */
  lmWeight?: number;
}

export interface ResolvedSequenceClassifierConfig {
  model: 'sequenceClassifier';
  body: ResolvedLanguageModelConfig | ResolvedDecoderLanguageModelConfig;
  classes: number;
  pool: Pooling;
  dropout: number;
  seed: number;
  lmWeight: number;
}

/** Validates a SequenceClassifier config and fills in the defaults. */
export function resolveSequenceClassifierConfig(config: SequenceClassifierConfig): ResolvedSequenceClassifierConfig {
  const where = 'SequenceClassifier';
  checkObject(where, 'config', config);
  checkKeys(where, config, ['model', 'body', 'classes', 'pool', 'dropout', 'seed', 'lmWeight']);
  if (config.model !== undefined && config.model !== 'sequenceClassifier') invalid(where, 'model', config.model, "'sequenceClassifier'");
  return {
    model: 'sequenceClassifier',
    body: resolveBody(checkObject(where, 'body', config.body) as unknown as LanguageModelConfig | DecoderLanguageModelConfig),
    classes: checkInteger(where, 'classes', config.classes, 2),
    pool: checkOneOf(where, 'pool', orDefault(config.pool, 'mean'), poolings),
    dropout: checkNumber(where, 'dropout', orDefault(config.dropout, 0), 0, 1, { max: true }),
    seed: checkNumber(where, 'seed', orDefault(config.seed, 0), -(2 ** 53), 2 ** 53),
    lmWeight: checkNumber(where, 'lmWeight', orDefault(config.lmWeight, 0), 0, Infinity),
  };
}

function resolveBody(body: LanguageModelConfig | DecoderLanguageModelConfig): ResolvedLanguageModelConfig | ResolvedDecoderLanguageModelConfig {
  return body.model === 'decoderLanguageModel' ? resolveDecoderLanguageModelConfig(body) : resolveLanguageModelConfig(body as LanguageModelConfig);
}

/** A classification batch (as @smoe/datasets' classificationBatches). */
export interface SequenceClassificationBatch {
  /** [batch, length] ids. */
  inputs: Int32Array | Tensor;
  /** [batch, length], 1 for real tokens and 0 for padding. Default: all real. */
  mask?: Float32Array;
  /** [batch] class of each sequence. */
  labels: Int32Array | Tensor;
  batch: number;
  length: number;
}

/** Targets the auxiliary next-token loss skips (padding, a sequence's last token). */
const ignored = -100;

/** A sequence read by the body: hidden states [batch, length, dim], the (chunk-padded) ids and 1/0 real-token mask. */
interface Encoded {
  h: Tensor;
  ids: Int32Array;
  real: Float32Array;
  batch: number;
  length: number;
}

export class SequenceClassifier extends MoEModel {
  readonly config: ResolvedSequenceClassifierConfig;
  body: LanguageModel | DecoderLanguageModel;
  /** [modelDim, classes]. */
  classifier: Tensor;
  classifierBias: Tensor;

  constructor(config: SequenceClassifierConfig) {
    super();
    this.config = resolveSequenceClassifierConfig(config);
    const body = this.config.body;
    this.body = body.model === 'decoderLanguageModel' ? new DecoderLanguageModel(body) : new LanguageModel(body);
    this.config.body = this.body.config;
    this.classifier = init.xavier([this.config.body.modelDim, this.config.classes], { rng: new Rng(this.config.seed) });
    this.classifierBias = init.zeros([this.config.classes]);
  }

  static fromConfig(config: SequenceClassifierConfig): SequenceClassifier {
    return new SequenceClassifier(config);
  }

  /**
   * A classifier over a copy of a pre-trained LM (its config and weights); `bodyDropout`, when
   * given, replaces the body's residual and embedding dropout (fine-tuning often adds some; the
   * GPT-2 style body has it, the Transformers layout has none and refuses one above 0).
   */
  static async fromPretrained(lm: LanguageModelBase, options: Omit<SequenceClassifierConfig, 'body' | 'model'> & { bodyDropout?: number }): Promise<SequenceClassifier> {
    const { bodyDropout, ...config } = options;
    const body = JSON.parse(JSON.stringify(lm.config)) as LanguageModelConfig | DecoderLanguageModelConfig;
    if (bodyDropout !== undefined && body.model === 'decoderLanguageModel') {
      if (bodyDropout > 0) invalid('SequenceClassifier.fromPretrained', 'bodyDropout', bodyDropout, '0: the Transformers-layout body (decoderLanguageModel) has no dropout');
    } else if (bodyDropout !== undefined) (body as LanguageModelConfig).dropout = bodyDropout;
    const model = new SequenceClassifier({ ...config, body });
    model.body.loadStateDict(lm.stateDict());
    model.body.loadBuffers(await lm.buffers());
    return model;
  }

  /** Logits [batch, classes] for ids [batch, length] and an optional padding mask [batch, length]. */
  async forward(ids: Tensor | Int32Array, shape: readonly [number, number], mask?: Float32Array, options: ForwardOptions = {}): Promise<Tensor> {
    return this.classify(await this.encode(ids, shape, mask, options));
  }

  /** The body's hidden states [batch, length, dim] over the sequence read in chunks, with the chunked ids and real-token mask. */
  private async encode(ids: Tensor | Int32Array, shape: readonly [number, number], mask: Float32Array | undefined, options: ForwardOptions): Promise<Encoded> {
    const [batch, given] = shape;
    const givenMask = mask ?? new Float32Array(batch * given).fill(1);
    if (givenMask.length !== batch * given) invalid('SequenceClassifier', 'mask.length', givenMask.length, `batch · length = ${batch * given}`);
    const { ids: chunkedIds, mask: real, length, chunks } = await this.chunked(ids, shape, givenMask);
    const context = length / chunks;
    const h = (await this.body.hidden(chunkedIds, [batch * chunks, context], options)).reshape([batch, length, this.config.body.modelDim]);
    return { h, ids: chunkedIds, real, batch, length };
  }

  /** Pooling and the class head: logits [batch, classes]. */
  private classify({ h, real, batch, length }: Encoded): Tensor {
    const dim = this.config.body.modelDim;
    let pooled: Tensor;
    if (this.config.pool === 'mean') {
      const weights = new Float32Array(batch * length);
      for (let b = 0; b < batch; b++) {
        let n = 0;
        for (let t = 0; t < length; t++) n += real[b * length + t] > 0 ? 1 : 0;
        for (let t = 0; t < length; t++) weights[b * length + t] = real[b * length + t] > 0 ? 1 / Math.max(n, 1) : 0;
      }
      pooled = h.mul(tensor(weights, [batch, length, 1])).sum(1); // [batch, dim]
    } else if (this.config.pool === 'max') {
      // Padding is pushed far below any hidden value, so the max (and its gradient) lands on a real token.
      const offset = new Float32Array(batch * length);
      for (let i = 0; i < offset.length; i++) offset[i] = real[i] > 0 ? 0 : -1e30;
      pooled = h.add(tensor(offset, [batch, length, 1])).max(1); // [batch, dim]
    } else {
      const last = new Int32Array(batch);
      for (let b = 0; b < batch; b++) {
        let end = 0;
        for (let t = 0; t < length; t++) if (real[b * length + t] > 0) end = t;
        last[b] = b * length + end;
      }
      pooled = indexSelect(h.reshape([batch * length, dim]), 0, tensor(last, [batch], { dtype: 'int32' }));
    }
    pooled = dropout(pooled, this.config.dropout, { training: this.training, rng: this.body.body.rng });
    return pooled.matmul(this.classifier).add(this.classifierBias);
  }

  /**
   * Mean next-token cross-entropy over the sequence's real tokens: position t predicts the id at
   * t + 1 where both are real (across a chunk boundary too: the last position of a chunk
   * predicts the next chunk's first id from what it read).
   */
  private nextTokenLoss({ h, ids, real, batch, length }: Encoded): Tensor {
    const targets = new Int32Array(batch * length).fill(ignored);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t + 1 < length; t++) {
        const i = b * length + t;
        if (real[i] > 0 && real[i + 1] > 0) targets[i] = ids[i + 1];
      }
    }
    const logits = this.body.logits(h.reshape([batch * length, this.config.body.modelDim]));
    return crossEntropy(logits, tensor(targets, [batch * length], { dtype: 'int32' }), { ignoreIndex: ignored });
  }

  /** Pads ids [batch, length] (and the mask, with 0) to a whole number of chunks of the body's context. */
  private async chunked(ids: Tensor | Int32Array, shape: readonly [number, number], mask: Float32Array): Promise<{ ids: Int32Array; mask: Float32Array; length: number; chunks: number }> {
    const [batch, given] = shape;
    const context = this.config.body.context;
    const chunks = Math.max(1, Math.ceil(given / context));
    const length = given <= context ? given : chunks * context;
    const host = ids instanceof Int32Array ? ids : ((await idsTensor(ids, shape).data()) as Int32Array);
    if (length === given) return { ids: host, mask, length, chunks };
    const padded = new Int32Array(batch * length);
    const paddedMask = new Float32Array(batch * length);
    for (let b = 0; b < batch; b++) {
      padded.set(host.subarray(b * given, (b + 1) * given), b * length);
      paddedMask.set(mask.subarray(b * given, (b + 1) * given), b * length);
    }
    return { ids: padded, mask: paddedMask, length, chunks };
  }

  /** Cross-entropy of the labels plus the MoE auxiliary losses; metrics include accuracy. */
  async loss(batch: SequenceClassificationBatch, options: ForwardOptions = {}): Promise<LossResult> {
    const encoded = await this.encode(batch.inputs, [batch.batch, batch.length], batch.mask, options);
    const logits = this.classify(encoded);
    const labels = idsTensor(batch.labels, [batch.batch]);
    const classLoss = crossEntropy(logits, labels);
    const tokens = batch.mask ? batch.mask.reduce((n, m) => n + (m > 0 ? 1 : 0), 0) : batch.batch * batch.length;
    const metrics: Record<string, number> = { accuracy: await accuracy(logits, labels), tokens };
    let taskLoss = classLoss;
    if (this.config.lmWeight > 0) {
      const lmLoss = this.nextTokenLoss(encoded);
      taskLoss = classLoss.add(lmLoss.mul(this.config.lmWeight));
      metrics.classLoss = await classLoss.item();
      metrics.lmBitsPerToken = (await lmLoss.item()) / Math.LN2;
    }
    return lossResult(this.body.body, taskLoss, metrics);
  }
}

/** Fraction of rows of logits [rows, classes] whose argmax is the label. */
export async function accuracy(logits: Tensor, labels: Tensor): Promise<number> {
  const predicted = await logits.argmax().data();
  const truth = await labels.data();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return truth.length ? correct / truth.length : 0;
}
