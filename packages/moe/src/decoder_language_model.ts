/**
 * DecoderLanguageModel: the decoder-only MoE language model of Transformers' Mixtral, Qwen2-MoE
 * and OLMoE (LLaMA-style: RMSNorm, rotary positions, grouped-query attention, SwiGLU experts
 * without biases), so a checkpoint of those architectures loads into it weight for weight
 * (@smoe/hub) and one trained here continues in Transformers.
 *   h₀ = TokenEmbedding(ids)                                 ids: int32 [batch, T], T ≤ context
 *   h_l = DecoderBlock_l(h_{l−1})                            (decoder_block.ts)
 *   logits = RMSNorm(h_L) · W_out  [batch, T, vocab]         (W_out = TokenEmbeddingᵀ when tieEmbeddings)
 *   loss = CE(logits, targets) + Σ_layers aux
 * The routers are softmax top-k token choice: S = x·W_g, p = softmax(S), the k largest p_j as
 * weights, renormalised to sum to 1 for Mixtral (`renormalize: true`) and not for OLMoE /
 * Qwen2-MoE (`norm_topk_prob: false` in their configs). Any other router or selection rule
 * (`moe.router`, `moe.selection`, `setSelection`) may replace it here, as for LanguageModel.
 *
 * Config (defaults): vocab, context, layers, modelDim, heads, kvHeads (heads), headDim
 * (modelDim / heads), ffDim (the dense layers' SwiGLU width; default: moe.expertDim), normEps
 * (1e-6), ropeBase (10000), qkvBias (false), qkNorm (false), tieEmbeddings (false), seed (0),
 * moe (absent: dense) { experts, expertDim, router ({ strategy: 'tokenChoice', topK: 2,
 * weighting: 'softmax', renormalize: true }), sharedExpertDim (0: none), every (1),
 * denseLayers ([]), selection (null) }. A layer i is sparse when i is not in denseLayers and
 * (i + 1) % every === 0 (Qwen2-MoE's decoder_sparse_step and mlp_only_layers).
 * Embeddings and projections: Normal(0, 0.02).
 */
import { Rng, embedding, init, rmsNorm, type Tensor } from '@smoe/tensor';
import type { ForwardOptions } from './backbone.js';
import { DecoderBlock } from './decoder_block.js';
import { FeedForward } from './feed_forward.js';
import { LanguageModelBase, contextIds } from './language_model.js';
import { MoELayer, type MoEContext } from './moe_layer.js';
import { RoutedStack } from './routed_stack.js';
import { checkRouterConfig, checkSelectionConfig, type RouterConfig, type SelectionConfig } from './router_config.js';
import { checkBoolean, checkInteger, checkKeys, checkNumber, checkObject, invalid, orDefault } from './validate.js';

/** The sparse part of a DecoderLanguageModel config. */
export interface DecoderMoEConfig {
  /** Routed experts per MoE layer. */
  experts: number;
  /** Hidden width of each routed expert (Transformers' `moe_intermediate_size`, Mixtral's `intermediate_size`). */
  expertDim: number;
  /** Default { strategy: 'tokenChoice', topK: 2, weighting: 'softmax', renormalize: true } (Mixtral's router). */
  router?: RouterConfig;
  /** Qwen2-MoE's gated shared expert's hidden width; 0: none. Default 0. */
  sharedExpertDim?: number;
  /** A MoE layer every n-th layer. Default 1. */
  every?: number;
  /** Layers kept dense whatever `every` says (Qwen2-MoE's mlp_only_layers). Default []. */
  denseLayers?: number[];
  /** Another selection rule over the trained routers' scores (training-free USMoE). Default null. */
  selection?: SelectionConfig | null;
  /** Always null: VQMoE layers are not part of this architecture (the field keeps resolved configs rebuildable). */
  vq?: null;
}

/** The config of a DecoderLanguageModel (plain JSON). */
export interface DecoderLanguageModelConfig {
  /** Names the model kind in a checkpoint; always 'decoderLanguageModel'. */
  model?: 'decoderLanguageModel';
  vocab: number;
  /** Longest sequence. */
  context: number;
  layers: number;
  modelDim: number;
  /** Query heads. */
  heads: number;
  /** Key/value heads (grouped-query attention). Default: heads. */
  kvHeads?: number;
  /** Width of each head. Default: modelDim / heads. */
  headDim?: number;
  /** Hidden width of the dense layers' SwiGLU FFN. Default: moe.expertDim. */
  ffDim?: number;
  /** ε of every RMSNorm. Default 1e-6. */
  normEps?: number;
  /** RoPE's base. Default 10000. */
  ropeBase?: number;
  /** Biases on q, k, v (Qwen2-MoE). Default false. */
  qkvBias?: boolean;
  /** RMSNorm on the q and k projections (OLMoE). Default false. */
  qkNorm?: boolean;
  /** Share the token embedding with the output projection. Default false. */
  tieEmbeddings?: boolean;
  /** Seed of the initial weights and routing noise. Default 0. */
  seed?: number;
  /** Sparse layers; absent or null: a dense model. */
  moe?: DecoderMoEConfig | null;
}

export type ResolvedDecoderMoEConfig = Required<Omit<DecoderMoEConfig, 'selection' | 'vq'>> & { selection: SelectionConfig | null; vq: null };
export type ResolvedDecoderLanguageModelConfig = Required<Omit<DecoderLanguageModelConfig, 'moe'>> & { moe: ResolvedDecoderMoEConfig | null };

/** Mixtral's router: softmax over all experts, top 2, renormalised. */
export const softmaxTopKRouter: RouterConfig = { strategy: 'tokenChoice', topK: 2, weighting: 'softmax', renormalize: true };

const modelKeys = ['model', 'vocab', 'context', 'layers', 'modelDim', 'heads', 'kvHeads', 'headDim', 'ffDim', 'normEps', 'ropeBase', 'qkvBias', 'qkNorm', 'tieEmbeddings', 'seed', 'moe'];
const moeKeys = ['experts', 'expertDim', 'router', 'sharedExpertDim', 'every', 'denseLayers', 'selection', 'vq'];

function resolveMoE(where: string, value: DecoderMoEConfig, layers: number): ResolvedDecoderMoEConfig {
  const m = checkObject(where, 'moe', value) as unknown as DecoderMoEConfig;
  checkKeys(`${where}.moe`, m, moeKeys);
  if (m.vq !== undefined && m.vq !== null) invalid(where, 'moe.vq', m.vq, 'null (VQMoE layers are not part of this architecture; use LanguageModel)');
  const denseLayers = orDefault(m.denseLayers, []);
  if (!Array.isArray(denseLayers)) invalid(where, 'moe.denseLayers', denseLayers, 'an array of layer indices');
  denseLayers.forEach((l, i) => checkInteger(where, `moe.denseLayers[${i}]`, l, 0, layers - 1));
  return {
    experts: checkInteger(where, 'moe.experts', m.experts, 1),
    expertDim: checkInteger(where, 'moe.expertDim', m.expertDim, 1),
    router: checkRouterConfig(where, 'moe.router', orDefault(m.router, softmaxTopKRouter)),
    sharedExpertDim: checkInteger(where, 'moe.sharedExpertDim', orDefault(m.sharedExpertDim, 0), 0),
    every: checkInteger(where, 'moe.every', orDefault(m.every, 1), 1, layers),
    denseLayers: [...denseLayers],
    selection: m.selection ? checkSelectionConfig(where, 'moe.selection', m.selection) : null,
    vq: null,
  };
}

/** Validates a DecoderLanguageModel config and fills in the defaults. */
export function resolveDecoderLanguageModelConfig(config: DecoderLanguageModelConfig): ResolvedDecoderLanguageModelConfig {
  const where = 'DecoderLanguageModel';
  checkObject(where, 'config', config);
  checkKeys(where, config, modelKeys);
  if (config.model !== undefined && config.model !== 'decoderLanguageModel') invalid(where, 'model', config.model, "'decoderLanguageModel'");
  const layers = checkInteger(where, 'layers', config.layers, 1);
  const modelDim = checkInteger(where, 'modelDim', config.modelDim, 1);
  const heads = checkInteger(where, 'heads', config.heads, 1);
  const moe = config.moe ? resolveMoE(where, config.moe, layers) : null;
  if (config.headDim === undefined && modelDim % heads !== 0) invalid(where, 'heads', heads, `a divisor of modelDim (${modelDim}), or give headDim`);
  if (config.ffDim === undefined && !moe) invalid(where, 'ffDim', undefined, 'the dense FFN width (required without moe)');
  return {
    model: 'decoderLanguageModel',
    vocab: checkInteger(where, 'vocab', config.vocab, 1, 2 ** 24),
    context: checkInteger(where, 'context', config.context, 1),
    layers,
    modelDim,
    heads,
    kvHeads: checkInteger(where, 'kvHeads', orDefault(config.kvHeads, heads), 1, heads),
    headDim: checkInteger(where, 'headDim', orDefault(config.headDim, modelDim / heads), 2),
    ffDim: checkInteger(where, 'ffDim', orDefault(config.ffDim, moe?.expertDim), 1),
    normEps: checkNumber(where, 'normEps', orDefault(config.normEps, 1e-6), 0, 1),
    ropeBase: checkNumber(where, 'ropeBase', orDefault(config.ropeBase, 10000), 1, 1e12, { max: true }),
    qkvBias: checkBoolean(where, 'qkvBias', orDefault(config.qkvBias, false)),
    qkNorm: checkBoolean(where, 'qkNorm', orDefault(config.qkNorm, false)),
    tieEmbeddings: checkBoolean(where, 'tieEmbeddings', orDefault(config.tieEmbeddings, false)),
    seed: checkNumber(where, 'seed', orDefault(config.seed, 0), -(2 ** 53), 2 ** 53),
    moe,
  };
}

/** Whether layer `i` of a config is a MoE layer. */
export function isSparseLayer(config: ResolvedDecoderLanguageModelConfig, i: number): boolean {
  const moe = config.moe;
  return moe !== null && !moe.denseLayers.includes(i) && (i + 1) % moe.every === 0;
}

/** The stack of DecoderBlocks and the final RMSNorm. */
export class DecoderBody extends RoutedStack {
  readonly config: ResolvedDecoderLanguageModelConfig;
  blocks: DecoderBlock[];
  finalNorm: Tensor;
  readonly rng: Rng;

  constructor(config: ResolvedDecoderLanguageModelConfig, rng: Rng) {
    super();
    this.config = config;
    this.rng = new Rng(config.seed + 1);
    const { modelDim: dim, heads, kvHeads, headDim, ropeBase, qkvBias, qkNorm, normEps, moe } = config;
    this.blocks = Array.from({ length: config.layers }, (_, i) => {
      const sparse = moe !== null && isSparseLayer(config, i);
      const ffn = sparse
        ? new MoELayer({ dim, expertDim: moe.expertDim, experts: moe.experts, router: moe.router, expertType: 'swiglu', selection: moe.selection }, { rng })
        : new FeedForward({ dim, ffDim: config.ffDim, activation: 'swiglu', rng });
      const attention = { dim, heads, kvHeads, headDim, ropeBase, qkvBias, qkNorm };
      return new DecoderBlock({ attention, ffn, sharedExpertDim: sparse ? moe.sharedExpertDim : 0, normEps, rng });
    });
    this.finalNorm = init.ones([dim]);
  }

  /** x: [batch, tokens, dim] → final-normed hidden states [batch, tokens, dim]. */
  async forward(x: Tensor, options: ForwardOptions & { tokenIds?: Int32Array } = {}): Promise<Tensor> {
    const context: MoEContext = { training: this.training, rng: this.rng, step: options.step ?? this.progress.step, totalSteps: options.totalSteps ?? this.progress.totalSteps, tokenIds: options.tokenIds, causal: options.causalRouting };
    let h = x;
    for (const block of this.blocks) h = await block.forward(h, context);
    return rmsNorm(h, this.finalNorm, this.config.normEps);
  }
}

export class DecoderLanguageModel extends LanguageModelBase {
  readonly config: ResolvedDecoderLanguageModelConfig;
  tokenEmbedding: Tensor;
  body: DecoderBody;
  /** [modelDim, vocab]; null when tied to the token embedding. */
  head: Tensor | null;

  constructor(config: DecoderLanguageModelConfig) {
    super();
    this.config = resolveDecoderLanguageModelConfig(config);
    const { vocab, modelDim, seed, tieEmbeddings } = this.config;
    const rng = new Rng(seed);
    this.tokenEmbedding = init.normal([vocab, modelDim], 0.02, { rng });
    this.body = new DecoderBody(this.config, rng);
    this.head = tieEmbeddings ? null : init.normal([modelDim, vocab], 0.02, { rng });
  }

  /** Rebuilds a model from `model.config` (e.g. read from a checkpoint). */
  static fromConfig(config: DecoderLanguageModelConfig): DecoderLanguageModel {
    return new DecoderLanguageModel(config);
  }

  /** Final hidden states [batch, T, modelDim] for ids int32 [batch, T] (a tensor, or a host array with `shape`). */
  async hidden(ids: Tensor | Int32Array, shape?: readonly [number, number], options: ForwardOptions = {}): Promise<Tensor> {
    const { idTensor, tokenIds } = await contextIds('DecoderLanguageModel', ids, shape, this.config.context);
    return this.body.forward(embedding(this.tokenEmbedding, idTensor), { ...options, tokenIds });
  }
}
