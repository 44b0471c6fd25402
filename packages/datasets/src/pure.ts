/**
 * The parts of @smoe/datasets that need no Node API — tokenizers, IDX parsing, patchify,
 * splits, corruptions, RNG and batch iterators — for browser builds
 * (`import … from '@smoe/datasets/pure'`). Re-exports only.
 */
export { DatasetError } from './validate.js';
export { createRng, deriveSeed, permutation, sampleWithoutReplacement, type Rng } from './rng.js';
export { BYTE_SYMBOLS, PAD_ID, BOS_ID, EOS_ID, FIRST_MERGE_ID, type Tokenizer } from './tokenizer.js';
export { byteTokenizer } from './byte-tokenizer.js';
export { BpeTokenizer, trainBpe, BPE_FORMAT, BPE_VERSION, GPT2_PATTERN, type BpeJson, type BpeOptions } from './bpe.js';
export { splitNames, type Split } from './splits.js';
export { stratifiedSplit, checkRatios, defaultRatios, type SplitRatios } from './stratified-split.js';
export { classBalance, type ClassBalance } from './class-balance.js';
export { parseIdx, encodeIdx, type IdxArray, type IdxData, type IdxType } from './idx.js';
export { patchify, unpatchify, type PatchOptions } from './patchify.js';
export {
  corruptText,
  textCorruptionEdits,
  textCorruptionKinds,
  textCorruptionRates,
  type TextCorruptionKind,
} from './text-corruptions.js';
export {
  corruptImages,
  gaussianKernel,
  imageCorruptionKinds,
  imageCorruptionLevels,
  imageCorruptionParameter,
  occlusionSide,
  type ImageCorruptionKind,
  type ImageShape,
} from './image-corruptions.js';
export { type BatchIterator, type BatchState, type BatchConfigValue } from './batch-order.js';
export { lmBatches, type LmBatch, type LmBatchOptions } from './lm-batches.js';
export { classificationBatches, type ClassificationBatch, type ClassificationBatchOptions } from './classification-batches.js';
export { imageBatches, type ImageBatch, type ImageBatchOptions } from './image-batches.js';
