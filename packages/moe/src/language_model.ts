/**
 * LanguageModel: a decoder-only transformer (GPT-2 shape: Radford et al. 2019) whose FFNs may
 * be MoE layers — the model of the VQMoE and USMoE papers' language-modelling experiments,
 * scaled down.
 *   h₀ = TokenEmbedding(ids) + PositionEmbedding(0..T−1)        ids: int32 [batch, T], T ≤ context
 *   h_l = Block_l(h_{l−1})   (pre-norm, causal attention, dense or MoE FFN; see block.ts)
 *   logits = LN(h_L) · W_out  [batch, T, vocab]     (W_out = TokenEmbeddingᵀ when tieEmbeddings)
 *   loss = CE(logits, targets) + Σ_layers aux
 * Routers select per sequence (groupSize = T). Everything is built from one JSON config
 * (`model.config`, `LanguageModel.fromConfig(json)`); the same seed gives the same weights.
 *
 * Config (defaults): vocab, context, layers, modelDim, heads, ffDim, dropout (0), activation
 * ('gelu'), moe (absent: dense; see backbone.ts), seed (0), tieEmbeddings (false).
 * Embeddings: Normal(0, 0.02).
 */
import { Rng, crossEntropy, dropout, embedding, init, arange, type Tensor } from '@smoe/tensor';
import { Backbone, backboneKeys, idsTensor, lossResult, resolveBackboneConfig, type BackboneConfig, type ForwardOptions, type LossResult, type ResolvedBackboneConfig } from './backbone.js';
import { MoEModel } from './moe_model.js';
import type { RoutedStack } from './routed_stack.js';
import { checkBoolean, checkInteger, checkKeys, checkObject, invalid, orDefault } from './validate.js';

/** The config of a LanguageModel (plain JSON). */
export interface LanguageModelConfig extends BackboneConfig {
  /** Names the model kind in a checkpoint; always 'languageModel'. */
  model?: 'languageModel';
  /** Vocabulary size. */
  vocab: number;
  /** Longest sequence (positions). */
  context: number;
  /** Share the token embedding with the output projection. Default false. */
  tieEmbeddings?: boolean;
}

export type ResolvedLanguageModelConfig = ResolvedBackboneConfig & { model: 'languageModel'; vocab: number; context: number; tieEmbeddings: boolean };

/** Validates a LanguageModel config and fills in the defaults. */
export function resolveLanguageModelConfig(config: LanguageModelConfig): ResolvedLanguageModelConfig {
  const where = 'LanguageModel';
  checkObject(where, 'config', config);
  checkKeys(where, config, [...backboneKeys, 'model', 'vocab', 'context', 'tieEmbeddings']);
  if (config.model !== undefined && config.model !== 'languageModel') invalid(where, 'model', config.model, "'languageModel'");
  return {
    model: 'languageModel',
    vocab: checkInteger(where, 'vocab', config.vocab, 1, 2 ** 24),
    context: checkInteger(where, 'context', config.context, 1),
    ...resolveBackboneConfig(where, config, { causal: true }),
    tieEmbeddings: checkBoolean(where, 'tieEmbeddings', orDefault(config.tieEmbeddings, false)),
  };
}

/** A language-model batch: [batch, T] inputs and next-token targets (as @smoe/datasets' lmBatches). */
export interface LanguageModelBatch {
  inputs: Int32Array | Tensor;
  targets: Int32Array | Tensor;
  /** Sequences in the batch. */
  batch: number;
  /** Tokens per sequence (T). */
  context: number;
}

/**
 * What the language models share: logits from the final hidden states through the output
 * projection (tied to the token embedding or not) and the next-token loss.
 */
export abstract class LanguageModelBase extends MoEModel {
  abstract readonly config: { readonly vocab: number; readonly context: number };
  abstract override body: RoutedStack;
  abstract tokenEmbedding: Tensor;
  /** [modelDim, vocab]; null when tied to the token embedding. */
  abstract head: Tensor | null;

  /** Final hidden states [batch, T, modelDim] for ids int32 [batch, T] (a tensor, or a host array with `shape`). */
  abstract hidden(ids: Tensor | Int32Array, shape?: readonly [number, number], options?: ForwardOptions): Promise<Tensor>;

  /** Logits [batch, T, vocab] for ids int32 [batch, T]. */
  async forward(ids: Tensor | Int32Array, shape?: readonly [number, number], options: ForwardOptions = {}): Promise<Tensor> {
    return this.logits(await this.hidden(ids, shape, options));
  }

  /** hidden [..., modelDim] → logits [..., vocab]. */
  logits(hidden: Tensor): Tensor {
    return this.head ? hidden.matmul(this.head) : hidden.matmul(this.tokenEmbedding, { transposeB: true });
  }

  /** Next-token cross-entropy plus the MoE auxiliary losses; metrics include bitsPerToken and routing statistics. */
  async loss(batch: LanguageModelBatch, options: ForwardOptions = {}): Promise<LossResult> {
    const shape = [batch.batch, batch.context] as const;
    const logits = await this.forward(batch.inputs, shape, options);
    const targets = idsTensor(batch.targets, shape).reshape([batch.batch * batch.context]);
    const taskLoss = crossEntropy(logits.reshape([batch.batch * batch.context, this.config.vocab]), targets);
    const result = await lossResult(this.body, taskLoss, { tokens: batch.batch * batch.context });
    result.metrics.bitsPerToken = result.metrics.taskLoss / Math.LN2;
    return result;
  }
}

export class LanguageModel extends LanguageModelBase {
  readonly config: ResolvedLanguageModelConfig;
  tokenEmbedding: Tensor;
  positionEmbedding: Tensor;
  body: Backbone;
  /** [modelDim, vocab]; null when tied to the token embedding. */
  head: Tensor | null;

  constructor(config: LanguageModelConfig) {
    super();
    this.config = resolveLanguageModelConfig(config);
    const { vocab, context, modelDim, seed, tieEmbeddings } = this.config;
    const rng = new Rng(seed);
    this.tokenEmbedding = init.normal([vocab, modelDim], 0.02, { rng });
    this.positionEmbedding = init.normal([context, modelDim], 0.02, { rng });
    this.body = new Backbone(this.config, { causal: true, rng });
    this.head = tieEmbeddings ? null : init.normal([modelDim, vocab], 0.02, { rng });
  }

  /** Rebuilds a model from `model.config` (e.g. read from a checkpoint). */
  static fromConfig(config: LanguageModelConfig): LanguageModel {
    return new LanguageModel(config);
  }

  /** Final hidden states [batch, T, modelDim] for ids int32 [batch, T] (a tensor, or a host array with `shape`). */
  async hidden(ids: Tensor | Int32Array, shape?: readonly [number, number], options: ForwardOptions = {}): Promise<Tensor> {
    const { idTensor, tokenIds } = await contextIds('LanguageModel', ids, shape, this.config.context);
    const positions = embedding(this.positionEmbedding, arange(idTensor.shape[1])); // [T, dim]
    const x = dropout(embedding(this.tokenEmbedding, idTensor).add(positions), this.config.dropout, { training: this.training, rng: this.body.rng });
    return this.body.forward(x, { ...options, tokenIds });
  }
}

/** Checks ids int32 [batch, T] (a tensor, or a host array with `shape`) against a model's context; returns them as a tensor and on the host. */
export async function contextIds(where: string, ids: Tensor | Int32Array, shape: readonly [number, number] | undefined, context: number): Promise<{ idTensor: Tensor; tokenIds: Int32Array }> {
  const idTensor = idsTensor(ids, shape ?? (ids instanceof Int32Array ? invalid(where, 'shape', undefined, '[batch, T] for host ids') : ids.shape));
  if (idTensor.rank !== 2) invalid(where, 'ids.shape', idTensor.shape, '[batch, T]');
  if (idTensor.shape[1] > context) invalid(where, 'T', idTensor.shape[1], `at most context = ${context}`);
  return { idTensor, tokenIds: ids instanceof Int32Array ? ids : ((await idTensor.data()) as Int32Array) };
}

