// @smoe/hub — Hugging Face MoE checkpoints in and out: Transformers' Mixtral, Qwen2-MoE and
// OLMoE folders loaded into smoe's DecoderLanguageModel and written back, and their tokenizers.
export { HubError } from './errors.js';
export {
  architectureNames,
  defaultArchitecture,
  fromHuggingFaceConfig,
  toHuggingFaceConfig,
  tensorSpecs,
  type Architecture,
  type HuggingFaceConfig,
  type ReadConfig,
  type TensorSpec,
} from './architectures.js';
export { openSafetensors, readableDTypes, type ReadableDType, type SafetensorsFile, type TensorEntry } from './safetensors_reader.js';
export { loadHuggingFace, type LoadedCheckpoint, type LoadOptions } from './load.js';
export { saveHuggingFace, type SaveOptions, type SavedCheckpoint } from './save.js';
export { loadTokenizer, type HubTokenizer, type EncodeOptions } from './tokenizer.js';
export { saveByteTokenizer } from './byte_tokenizer.js';
