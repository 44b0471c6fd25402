/**
 * Backbone: the stack of transformer blocks shared by the language model and the ViT, built
 * from the model-level config: which layers are sparse (`moe.every`), the MoE layer settings,
 * and a final LayerNorm. It also gathers what the trainer needs after a forward pass: the sum
 * of the MoE layers' auxiliary losses and their routing statistics.
 *
 * Model config fields it reads (defaults): layers, modelDim, heads, ffDim, dropout (0),
 * activation ('gelu'), seed (0), moe (absent: a dense model). MoE layers sit at the layers i
 * with (i + 1) % every === 0: every 1 → all, every 2 → layers 1, 3, … (GShard's every other).
 */
import { Rng, init, layerNorm, tensor, type Tensor } from '@smoe/tensor';
import { TransformerBlock } from './block.js';
import { FeedForward, activations, type Activation } from './feed_forward.js';
import { MoELayer, resolveMoELayerConfig, type MoEContext, type MoELayerConfig } from './moe_layer.js';
import type { ResolvedVQMoEConfig, VQMoEConfig } from './vqmoe.js';
import { checkRouterConfig, type RouterConfig, type SelectionConfig } from './router_config.js';
import { SoftMoELayer, resolveSoftMoEConfig, type SoftMoEConfig } from './soft_moe.js';
import { MoEPlusPlusLayer, resolveZeroComputationConfig, type ResolvedZeroComputationConfig, type ZeroComputationConfig } from './moe_plus_plus.js';
import { RoutedStack, type ForwardOptions } from './routed_stack.js';
import { averageStats, type RoutingStats } from './statistics.js';

export type { ForwardOptions };
import { checkInteger, checkKeys, checkNumber, checkObject, checkOneOf, invalid, orDefault } from './validate.js';
import type { CapacityPriority } from './capacity.js';

/** The sparse part of a model config. */
export interface MoEConfig {
  /** Routed experts per MoE layer. */
  experts: number;
  /** Router config. Default { strategy: 'tokenChoice', topK: 2 } (with vq: the cosine top-1 router, see moe_layer.ts). */
  router?: RouterConfig;
  /** A MoE layer every n-th layer. Default 1 (all layers). */
  every?: number;
  /** Always-on shared experts per MoE layer (DeepSeekMoE). Default 0. */
  sharedExperts?: number;
  /** Hidden width of each expert's FFN. Default: the model's ffDim. */
  expertDim?: number;
  /** Expert FFN: 'gelu' or 'swiglu'. Default: the model's activation. */
  expertType?: Activation;
  /** Capacity factor in training; 0 = dropless. Default 0. */
  capacityFactor?: number;
  /** Capacity factor in evaluation. Default: capacityFactor. */
  evalCapacityFactor?: number;
  /** 'arrival' (default) or 'weight'. */
  capacityPriority?: CapacityPriority;
  /** Another selection rule for the trained routers' scores (training-free USMoE). Default null. */
  selection?: SelectionConfig | null;
  /** VQMoE layers (docs/routing.md §4). Default: absent. */
  vq?: VQMoEConfig | null;
  /** Route causally (docs/routing.md §2). Default: true in a language model, false in a ViT; false reproduces the sequence-level (leaking) rules in a decoder. */
  causalRouting?: boolean;
  /** Soft MoE layers instead of routed ones (soft_moe.ts; not causal: ViT and encoders only). Default: absent. */
  soft?: SoftMoEConfig | null;
  /** MoE++ zero-computation experts beside the FFN experts (moe_plus_plus.ts). Default: absent. */
  zeroComputation?: ZeroComputationConfig | null;
}

/** The config fields every model shares. */
export interface BackboneConfig {
  layers: number;
  modelDim: number;
  heads: number;
  ffDim: number;
  /** Residual and embedding dropout. Default 0. */
  dropout?: number;
  /** Dense FFN activation. Default 'gelu'. */
  activation?: Activation;
  /** Sparse layers; absent or null: a dense model. */
  moe?: MoEConfig | null;
  /** Seed of the initial weights, dropout and routing noise. Default 0. */
  seed?: number;
}

/** A resolved MoE config: every default filled in. */
export type ResolvedMoEConfig = Required<Omit<MoEConfig, 'vq' | 'selection' | 'soft' | 'zeroComputation'>> & {
  selection: SelectionConfig | null;
  vq: ResolvedVQMoEConfig | null;
  /** Present only when set, so configs (and checkpoints) of routed models stay as they were. */
  soft?: Required<SoftMoEConfig>;
  zeroComputation?: ResolvedZeroComputationConfig;
};
export type ResolvedBackboneConfig = Required<Omit<BackboneConfig, 'moe'>> & { moe: ResolvedMoEConfig | null };

export const backboneKeys = ['layers', 'modelDim', 'heads', 'ffDim', 'dropout', 'activation', 'moe', 'seed'];
const moeKeys = ['experts', 'router', 'every', 'sharedExperts', 'expertDim', 'expertType', 'capacityFactor', 'evalCapacityFactor', 'capacityPriority', 'selection', 'vq', 'soft', 'zeroComputation', 'causalRouting'];

/**
 * Validates the shared fields of a model config (`where` names the model in errors); `causal`
 * models (decoders) route causally unless `moe.causalRouting` says otherwise.
 */
export function resolveBackboneConfig(where: string, config: BackboneConfig, { causal = false } = {}): ResolvedBackboneConfig {
  const modelDim = checkInteger(where, 'modelDim', config.modelDim, 1);
  const heads = checkInteger(where, 'heads', config.heads, 1);
  if (modelDim % heads !== 0) invalid(where, 'heads', heads, `a divisor of modelDim (${modelDim})`);
  const ffDim = checkInteger(where, 'ffDim', config.ffDim, 1);
  const layers = checkInteger(where, 'layers', config.layers, 1);
  const activation = checkOneOf(where, 'activation', orDefault(config.activation, 'gelu'), activations);
  let moe: ResolvedMoEConfig | null = null;
  if (config.moe) {
    const m = checkObject(where, 'moe', config.moe) as unknown as MoEConfig;
    checkKeys(`${where}.moe`, m, moeKeys);
    const every = checkInteger(where, 'moe.every', orDefault(m.every, 1), 1, layers);
    const layer = resolveMoELayerConfig(
      {
        dim: modelDim,
        expertDim: orDefault(m.expertDim, ffDim),
        experts: m.experts,
        router: m.router,
        expertType: orDefault(m.expertType, activation),
        sharedExperts: m.sharedExperts,
        capacityFactor: m.capacityFactor,
        evalCapacityFactor: m.evalCapacityFactor,
        capacityPriority: m.capacityPriority,
        selection: m.selection,
        vq: m.vq,
        causalRouting: orDefault(m.causalRouting, causal),
      },
      `${where}.moe`,
    );
    const soft = m.soft ? resolveSoftMoEConfig(`${where}.moe`, m.soft) : null;
    if (soft && (m.vq || m.selection || m.router || m.zeroComputation)) invalid(where, 'moe.soft', m.soft, 'no router, selection, vq or zeroComputation beside it (Soft MoE has no routing plan)');
    const zeroComputation = m.zeroComputation ? resolveZeroComputationConfig(`${where}.moe`, m.zeroComputation, layer.experts) : null;
    if (zeroComputation && (m.vq || m.selection || m.router)) invalid(where, 'moe.zeroComputation', m.zeroComputation, 'no router, selection or vq beside it (MoE++ routes top-k over its own gate; set zeroComputation.topK)');
    moe = {
      experts: layer.experts,
      router: checkRouterConfig(where, 'moe.router', layer.router),
      every,
      sharedExperts: layer.sharedExperts,
      expertDim: layer.expertDim,
      expertType: layer.expertType,
      capacityFactor: layer.capacityFactor,
      evalCapacityFactor: layer.evalCapacityFactor,
      capacityPriority: layer.capacityPriority,
      selection: layer.selection,
      vq: layer.vq,
      ...(soft ? { soft } : {}),
      ...(zeroComputation ? { zeroComputation } : {}),
      causalRouting: layer.causalRouting,
    };
  }
  return {
    layers,
    modelDim,
    heads,
    ffDim,
    dropout: checkNumber(where, 'dropout', orDefault(config.dropout, 0), 0, 1, { max: true }),
    activation,
    moe,
    seed: checkNumber(where, 'seed', orDefault(config.seed, 0), -(2 ** 53), 2 ** 53),
  };
}

/** The MoE layer config of a model's resolved `moe` section. */
export function moeLayerConfig(moe: ResolvedMoEConfig, dim: number): MoELayerConfig {
  const { every: _every, soft: _soft, zeroComputation: _zero, ...layer } = moe;
  return { ...layer, dim };
}

/** What a model's `loss` returns. */
export interface LossResult {
  /** taskLoss + auxLoss: the scalar to differentiate. */
  loss: Tensor;
  /** Cross-entropy of the task. */
  taskLoss: Tensor;
  /** Sum over MoE layers of their weighted auxiliary losses; null for a dense model or loss-free routers. */
  auxLoss: Tensor | null;
  /** Scalars to log: taskLoss, auxLoss, tokens (in the batch), task metrics (bitsPerToken, accuracy), routing statistics averaged over layers (`routing.loadCv`, …). */
  metrics: Record<string, number>;
  /** Per MoE layer: its index among the blocks and its routing statistics. */
  routing: Array<{ layer: number; stats: RoutingStats }>;
}

/**
 * When a MoE block fails (routers index with what their scores give, and NaN scores give no
 * valid expert), the error that says why: NaN or ±Infinity in the block's input or parameters.
 * Runs only on failure, so it costs nothing otherwise.
 */
async function nonFiniteRouting(block: TransformerBlock, input: Tensor, layer: number): Promise<Error | undefined> {
  if (!block.moe) return undefined;
  const count = async (t: Tensor): Promise<number> => Array.from(await t.data()).reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
  const inInput = await count(input);
  let inParameters = 0;
  for (const p of block.parameters()) inParameters += await count(p);
  if (inInput + inParameters === 0) return undefined;
  const where = [inInput ? `${inInput} of the block's input values` : '', inParameters ? `${inParameters} of its parameter values` : ''].filter(Boolean).join(' and ');
  return new Error(`non-finite router scores in layer ${layer}: ${where} are NaN or ±Infinity; check the checkpoint's weights and the learning rate`);
}

export class Backbone extends RoutedStack {
  readonly config: ResolvedBackboneConfig;
  blocks: TransformerBlock[];
  finalNormGain: Tensor;
  finalNormBias: Tensor;
  readonly rng: Rng;

  constructor(config: ResolvedBackboneConfig, options: { causal: boolean; rng: Rng }) {
    super();
    this.config = config;
    this.rng = new Rng(config.seed + 1);
    const { layers, modelDim, heads, ffDim, dropout, activation, moe } = config;
    const rng = options.rng;
    if (moe?.soft && options.causal) invalid('Backbone', 'moe.soft', moe.soft, 'a non-causal model (ViT, encoder): every Soft MoE slot mixes all tokens of a sequence, future ones included');
    let previousPlusPlus: MoEPlusPlusLayer | null = null;
    this.blocks = Array.from({ length: layers }, (_, i) => {
      const sparse = moe !== null && (i + 1) % moe.every === 0;
      let ffn: FeedForward | MoELayer | SoftMoELayer | MoEPlusPlusLayer;
      if (!sparse) ffn = new FeedForward({ dim: modelDim, ffDim, activation, rng });
      else if (moe.soft) ffn = new SoftMoELayer({ dim: modelDim, expertDim: moe.expertDim, experts: moe.experts, expertType: moe.expertType, ...moe.soft }, { rng });
      else if (moe.zeroComputation) {
        ffn = new MoEPlusPlusLayer({ dim: modelDim, expertDim: moe.expertDim, experts: moe.experts, expertType: moe.expertType, ...moe.zeroComputation }, { rng });
        ffn.follow(previousPlusPlus);
        previousPlusPlus = ffn;
      } else ffn = new MoELayer(moeLayerConfig(moe, modelDim), { rng });
      return new TransformerBlock({ dim: modelDim, heads, ffn, causal: options.causal, dropout, rng });
    });
    this.finalNormGain = init.ones([modelDim]);
    this.finalNormBias = init.zeros([modelDim]);
  }

  /** x: [batch, tokens, dim] → final-normed hidden states [batch, tokens, dim]. */
  async forward(x: Tensor, options: ForwardOptions & { tokenIds?: Int32Array } = {}): Promise<Tensor> {
    const step = options.step ?? this.progress.step;
    const totalSteps = options.totalSteps ?? this.progress.totalSteps;
    const context: MoEContext = { training: this.training, rng: this.rng, step, totalSteps, tokenIds: options.tokenIds, calibrate: options.calibrate, causal: options.causalRouting };
    let h = x;
    for (const [layer, block] of this.blocks.entries()) {
      try {
        h = await block.forward(h, context, this.rng);
      } catch (error) {
        throw (await nonFiniteRouting(block, h, layer)) ?? error;
      }
    }
    return layerNorm(h, this.finalNormGain, this.finalNormBias);
  }
}

/** Builds the LossResult of a task loss: adds the auxiliary losses and reads the metrics. */
export async function lossResult(backbone: RoutedStack, taskLoss: Tensor, extra: Record<string, number> = {}): Promise<LossResult> {
  const auxLoss = backbone.auxLoss();
  const loss = auxLoss ? taskLoss.add(auxLoss) : taskLoss;
  const routing = backbone.routing();
  // No 'loss' key: the trainer logs the loss itself and reserves the name.
  const metrics: Record<string, number> = { taskLoss: await taskLoss.item(), ...extra };
  if (auxLoss) metrics.auxLoss = await auxLoss.item();
  for (const [k, v] of Object.entries(averageStats(routing.map((r) => r.stats)))) metrics[`routing.${k}`] = v;
  // Per layer: the balance, entropy and drops of each MoE layer, and its load per expert
  // (fraction of routed pairs), so a run's metrics show which layer collapses or drops.
  for (const { layer, stats } of routing) {
    const pairs = Math.max(stats.pairs, 1);
    metrics[`layer${layer}.loadCv`] = stats.loadCv;
    if (stats.routingEntropy !== null) metrics[`layer${layer}.routingEntropy`] = stats.routingEntropy;
    metrics[`layer${layer}.droppedFraction`] = stats.droppedFraction;
    stats.load.forEach((n, expert) => (metrics[`layer${layer}.load.${expert}`] = n / pairs));
  }
  return { loss, taskLoss, auxLoss, metrics, routing };
}

/** An int32 tensor from ids given as a tensor or a host array of `shape`. */
export function idsTensor(ids: Tensor | Int32Array, shape: readonly number[]): Tensor {
  if (ids instanceof Int32Array) {
    if (ids.length !== shape.reduce((a, b) => a * b, 1)) invalid('ids', 'length', ids.length, `${shape.join(' × ')} ids`);
    return tensor(ids, shape, { dtype: 'int32' });
  }
  if (ids.dtype !== 'int32') invalid('ids', 'dtype', ids.dtype, "'int32'");
  return ids.reshape(shape);
}
