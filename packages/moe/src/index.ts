// @smoe/moe — expert FFNs, the MoE layer (and its VQMoE / USMoE configurations), transformer
// blocks, a decoder-only language model, a ViT classifier, and routing measurements.
export { ConfigError } from './validate.js';
export { FeedForward, activations, type Activation, type FeedForwardOptions } from './feed_forward.js';
export { Experts, type ExpertsOptions } from './experts.js';
export { applyCapacity, expertCapacity, padPlan, staticRowCount, type CapacityPriority } from './capacity.js';
export { buildRouter, checkRouterConfig, checkSelectionConfig, type RouterConfig, type SelectionConfig, type JsonValue } from './router_config.js';
export { MoELayer, resolveMoELayerConfig, type MoELayerConfig, type MoELayerOptions, type MoEContext, type ResolvedMoELayerConfig } from './moe_layer.js';
export { VQMoEBranch, resolveVQMoEConfig, vqRegimes, vqContinuousRouter, type LayerExperts, type ResolvedVQMoEConfig, type RoutedPass, type VQMoEConfig, type VQRegime } from './vqmoe.js';
export { SoftMoELayer, resolveSoftMoEConfig, resolveSoftMoELayerConfig, type SoftMoEConfig, type SoftMoELayerConfig, type SoftMoEWeights, type ResolvedSoftMoELayerConfig } from './soft_moe.js';
export { MoEPlusPlusLayer, resolveMoEPlusPlusLayerConfig, resolveZeroComputationConfig, type MoEPlusPlusLayerConfig, type ZeroComputationConfig, type ResolvedZeroComputationConfig, type ResolvedMoEPlusPlusLayerConfig } from './moe_plus_plus.js';
export { mixtureLayers, type MixtureLayerInfo } from './layer_info.js';
export { embed, embedKinds, embeddingKinds, poolingMatrix, type EmbedOptions, type EmbeddingKind } from './embed.js';
export { deepSeekMoE, fineGrainedSizes, activeExpertParameters, type FineGrainedOptions } from './fine_grained.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions } from './attention.js';
export { TransformerBlock, type TransformerBlockOptions } from './block.js';
export { Backbone, resolveBackboneConfig, type BackboneConfig, type MoEConfig, type ForwardOptions, type LossResult, type ResolvedBackboneConfig, type ResolvedMoEConfig } from './backbone.js';
export { MoEModel, type RoutedBody } from './moe_model.js';
export { LanguageModel, LanguageModelBase, resolveLanguageModelConfig, type LanguageModelConfig, type LanguageModelBatch, type ResolvedLanguageModelConfig } from './language_model.js';
export { GroupedQueryAttention, type GroupedQueryAttentionOptions } from './grouped_query_attention.js';
export { DecoderBlock, type DecoderBlockOptions } from './decoder_block.js';
export {
  DecoderLanguageModel,
  DecoderBody,
  resolveDecoderLanguageModelConfig,
  isSparseLayer,
  softmaxTopKRouter,
  type DecoderLanguageModelConfig,
  type DecoderMoEConfig,
  type ResolvedDecoderLanguageModelConfig,
  type ResolvedDecoderMoEConfig,
} from './decoder_language_model.js';
export { RoutedStack, type RoutedConfig } from './routed_stack.js';
export { SequenceClassifier, accuracy, poolings, resolveSequenceClassifierConfig, type SequenceClassifierConfig, type SequenceClassificationBatch, type ResolvedSequenceClassifierConfig, type Pooling } from './sequence_classifier.js';
export { VisionTransformer, resolveVisionTransformerConfig, type VisionTransformerConfig, type ImageClassificationBatch, type ResolvedVisionTransformerConfig } from './vision_transformer.js';
export { createModel, type Model, type ModelConfig } from './create_model.js';
export {
  routingStats,
  statsToMetrics,
  averageStats,
  codeUsage,
  planFluctuation,
  effectiveRank,
  expertOutputSimilarity,
  type RoutingStats,
  type RoutingStatsOptions,
} from './statistics.js';
export { routingFluctuationBetween, representationCollapse, type HasBackbone } from './measurements.js';
