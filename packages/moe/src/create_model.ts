/**
 * createModel: rebuilds any model of this package from its JSON config (as saved in a
 * checkpoint), dispatching on `config.model`: 'languageModel' (the default when absent),
 * 'decoderLanguageModel' (Transformers' Mixtral / Qwen2-MoE / OLMoE architecture), 'visionTransformer'
 * or 'sequenceClassifier'.
 */
import { DecoderLanguageModel, type DecoderLanguageModelConfig } from './decoder_language_model.js';
import { LanguageModel, type LanguageModelConfig } from './language_model.js';
import { SequenceClassifier, type SequenceClassifierConfig } from './sequence_classifier.js';
import { checkObject, checkOneOf } from './validate.js';
import { VisionTransformer, type VisionTransformerConfig } from './vision_transformer.js';

/** Any model config of this package. */
export type ModelConfig = LanguageModelConfig | DecoderLanguageModelConfig | VisionTransformerConfig | SequenceClassifierConfig;
/** Any model of this package. */
export type Model = LanguageModel | DecoderLanguageModel | VisionTransformer | SequenceClassifier;

export function createModel(config: ModelConfig): Model {
  const kind = checkOneOf('createModel', 'model', checkObject('createModel', 'config', config).model ?? 'languageModel', ['languageModel', 'decoderLanguageModel', 'visionTransformer', 'sequenceClassifier'] as const);
  if (kind === 'decoderLanguageModel') return new DecoderLanguageModel(config as DecoderLanguageModelConfig);
  if (kind === 'visionTransformer') return new VisionTransformer(config as VisionTransformerConfig);
  if (kind === 'sequenceClassifier') return new SequenceClassifier(config as SequenceClassifierConfig);
  return new LanguageModel(config as LanguageModelConfig);
}
