/**
 * VisionTransformer: a ViT-style image classifier (Dosovitskiy et al. 2021, "An Image is Worth
 * 16x16 Words"; sparse like V-MoE, Riquelme et al. 2021) over non-overlapping patches.
 *   patches = patchify(image)      [batch, P, patch·patch·channels], P = (H/patch)·(W/patch), row-major
 *   h₀ = patches · W_patch + b_patch + PositionEmbedding[0..P−1]
 *   h_l = Block_l(h_{l−1})          (pre-norm, bidirectional attention, dense or MoE FFN)
 *   logits = mean_p LN(h_L) · W + b  [batch, classes]
 *   loss = CE(logits, labels) + Σ_layers aux
 * Routers select per image (groupSize = P). Images arrive as [batch, H·W·channels] values,
 * channel last (as @smoe/datasets' imageBatches).
 *
 * Config (defaults): imageHeight, imageWidth, channels (1), patch, classes, layers, modelDim,
 * heads, ffDim, dropout (0), activation ('gelu'), moe (absent: dense), seed (0).
 * Patch projection Xavier-normal; position embeddings Normal(0, 0.02).
 */
import { Rng, crossEntropy, dropout, init, tensor, type Tensor } from '@smoe/tensor';
import { Backbone, backboneKeys, idsTensor, lossResult, resolveBackboneConfig, type BackboneConfig, type ForwardOptions, type LossResult, type ResolvedBackboneConfig } from './backbone.js';
import { MoEModel } from './moe_model.js';
import { accuracy } from './sequence_classifier.js';
import { checkInteger, checkKeys, checkObject, invalid, orDefault } from './validate.js';

/** The config of a VisionTransformer (plain JSON). */
export interface VisionTransformerConfig extends BackboneConfig {
  model?: 'visionTransformer';
  imageHeight: number;
  imageWidth: number;
  /** Default 1. */
  channels?: number;
  /** Side of the square patches; divides imageHeight and imageWidth. */
  patch: number;
  classes: number;
}

export type ResolvedVisionTransformerConfig = ResolvedBackboneConfig & {
  model: 'visionTransformer';
  imageHeight: number;
  imageWidth: number;
  channels: number;
  patch: number;
  classes: number;
};

/** Validates a VisionTransformer config and fills in the defaults. */
export function resolveVisionTransformerConfig(config: VisionTransformerConfig): ResolvedVisionTransformerConfig {
  const where = 'VisionTransformer';
  checkObject(where, 'config', config);
  checkKeys(where, config, [...backboneKeys, 'model', 'imageHeight', 'imageWidth', 'channels', 'patch', 'classes']);
  if (config.model !== undefined && config.model !== 'visionTransformer') invalid(where, 'model', config.model, "'visionTransformer'");
  const imageHeight = checkInteger(where, 'imageHeight', config.imageHeight, 1);
  const imageWidth = checkInteger(where, 'imageWidth', config.imageWidth, 1);
  const patch = checkInteger(where, 'patch', config.patch, 1);
  if (imageHeight % patch !== 0 || imageWidth % patch !== 0) invalid(where, 'patch', patch, `a divisor of imageHeight (${imageHeight}) and imageWidth (${imageWidth})`);
  return {
    model: 'visionTransformer',
    imageHeight,
    imageWidth,
    channels: checkInteger(where, 'channels', orDefault(config.channels, 1), 1),
    patch,
    classes: checkInteger(where, 'classes', config.classes, 2),
    ...resolveBackboneConfig(where, config),
  };
}

/** An image-classification batch (as @smoe/datasets' imageBatches). */
export interface ImageClassificationBatch {
  /** [batch, H·W·channels], channel last. */
  images: Float32Array | Tensor;
  /** [batch]. */
  labels: Int32Array | Tensor;
  batch: number;
}

export class VisionTransformer extends MoEModel {
  readonly config: ResolvedVisionTransformerConfig;
  /** [patch·patch·channels, modelDim]. */
  patchEmbedding: Tensor;
  patchBias: Tensor;
  /** [patches, modelDim]. */
  positionEmbedding: Tensor;
  body: Backbone;
  classifier: Tensor;
  classifierBias: Tensor;

  constructor(config: VisionTransformerConfig) {
    super();
    this.config = resolveVisionTransformerConfig(config);
    const { modelDim, classes, seed } = this.config;
    const rng = new Rng(seed);
    this.patchEmbedding = init.xavier([this.patchDim, modelDim], { rng });
    this.patchBias = init.zeros([modelDim]);
    this.positionEmbedding = init.normal([this.patches, modelDim], 0.02, { rng });
    this.body = new Backbone(this.config, { causal: false, rng });
    this.classifier = init.xavier([modelDim, classes], { rng });
    this.classifierBias = init.zeros([classes]);
  }

  static fromConfig(config: VisionTransformerConfig): VisionTransformer {
    return new VisionTransformer(config);
  }

  /** Patches per image. */
  get patches(): number {
    const { imageHeight, imageWidth, patch } = this.config;
    return (imageHeight / patch) * (imageWidth / patch);
  }

  /** Values per patch. */
  get patchDim(): number {
    return this.config.patch * this.config.patch * this.config.channels;
  }

  /** Images [batch, H·W·C] → patches [batch, patches, patchDim] (host copy; row-major over the patch grid). */
  async patchify(images: Float32Array | Tensor, batch: number): Promise<Tensor> {
    const { imageHeight: height, imageWidth: width, channels: c, patch } = this.config;
    const values = images instanceof Float32Array ? images : ((await images.data()) as Float32Array);
    if (values.length !== batch * height * width * c) invalid('VisionTransformer', 'images.length', values.length, `batch · H · W · channels = ${batch * height * width * c}`);
    const out = new Float32Array(values.length);
    const across = width / patch;
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let p = 0; p < this.patches; p++) {
        const top = Math.floor(p / across) * patch;
        const left = (p % across) * patch;
        for (let r = 0; r < patch; r++) {
          const from = ((b * height + top + r) * width + left) * c;
          out.set(values.subarray(from, from + patch * c), o);
          o += patch * c;
        }
      }
    }
    return tensor(out, [batch, this.patches, this.patchDim]);
  }

  /** Logits [batch, classes] for images [batch, H·W·C]. */
  async forward(images: Float32Array | Tensor, batch: number, options: ForwardOptions = {}): Promise<Tensor> {
    const patches = await this.patchify(images, batch);
    const x = dropout(patches.matmul(this.patchEmbedding).add(this.patchBias).add(this.positionEmbedding), this.config.dropout, { training: this.training, rng: this.body.rng });
    const h = await this.body.forward(x, options); // [batch, patches, dim]
    return h.mean(1).matmul(this.classifier).add(this.classifierBias);
  }

  /** Cross-entropy of the labels plus the MoE auxiliary losses; metrics include accuracy. */
  async loss(batch: ImageClassificationBatch, options: ForwardOptions = {}): Promise<LossResult> {
    const logits = await this.forward(batch.images, batch.batch, options);
    const labels = idsTensor(batch.labels, [batch.batch]);
    const taskLoss = crossEntropy(logits, labels);
    return lossResult(this.body, taskLoss, { accuracy: await accuracy(logits, labels), tokens: batch.batch * this.patches });
  }
}
