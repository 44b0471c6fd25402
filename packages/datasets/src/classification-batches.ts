/**
 * Classification batches for fine-tuning: token sequences padded / truncated to a common
 * length with a mask, and one label per sequence.
 *   inputs [batch, length] ids (pad where mask is 0), mask [batch, length] 1 for real tokens,
 *   labels [batch], lengths [batch] real length after truncation, indices [batch] of the
 *   examples.
 * Truncation keeps the first `maxLength` tokens. `padTo`: 'max' (default) pads every batch to
 * maxLength, so shapes are static; 'longest' pads to the longest sequence in the batch.
 * Defaults: shuffle true (seeded per epoch from deriveSeed(seed, epoch)), seed 0,
 * dropLast = shuffle, epochs = Infinity when shuffling, else 1. Resumable via
 * `state()` / `restore()`. Pure.
 */
import { batchIterator, BatchOrder, checkEpochs, type BatchIterator } from './batch-order.js';
import { deriveSeed, permutation } from './rng.js';
import { checkBoolean, checkInteger, checkOneOf, checkSeed, invalid } from './validate.js';

export interface ClassificationBatchOptions {
  batch: number;
  /** Longest sequence kept; longer ones are truncated. */
  maxLength: number;
  /** Padding id (e.g. tokenizer.pad). */
  pad: number;
  seed?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  epochs?: number;
  padTo?: 'max' | 'longest';
}

export interface ClassificationBatch {
  /** [batch, length]. */
  inputs: Int32Array;
  /** [batch, length], 1 for tokens, 0 for padding. */
  mask: Float32Array;
  /** [batch]. */
  labels: Int32Array;
  /** [batch], tokens before padding. */
  lengths: Int32Array;
  /** [batch], example index of each row. */
  indices: Int32Array;
  batch: number;
  length: number;
  epoch: number;
  step: number;
}

/** Seeded, resumable padded batches of (sequence, label) pairs. */
export function classificationBatches(
  ids: readonly Int32Array[],
  labels: ArrayLike<number>,
  options: ClassificationBatchOptions,
): BatchIterator<ClassificationBatch> {
  const where = 'classificationBatches';
  if (!Array.isArray(ids) || !ids.every((sequence) => sequence instanceof Int32Array)) invalid(where, 'ids', ids, 'an array of Int32Array');
  if (labels === null || typeof labels !== 'object' || labels.length !== ids.length) {
    invalid(where, 'labels.length', labels?.length, `ids.length = ${ids.length}`);
  }
  if (typeof options !== 'object' || options === null) invalid(where, 'options', options, '{ batch, maxLength, pad, seed?, shuffle? }');
  const batch = checkInteger(where, 'batch', options.batch, 1);
  const maxLength = checkInteger(where, 'maxLength', options.maxLength, 1);
  const pad = checkInteger(where, 'pad', options.pad, 0);
  const seed = checkSeed(where, options.seed ?? 0);
  const shuffle = checkBoolean(where, 'shuffle', options.shuffle, true);
  const dropLast = checkBoolean(where, 'dropLast', options.dropLast, shuffle);
  const epochs = checkEpochs(where, options.epochs, shuffle ? Infinity : 1);
  const padTo = checkOneOf(where, 'padTo', options.padTo ?? 'max', ['max', 'longest'] as const);
  if (ids.length === 0) invalid(where, 'ids.length', 0, 'at least 1 example');
  if (dropLast && ids.length < batch) invalid(where, 'batch', batch, `at most ${ids.length} examples, or dropLast: false`);
  const labelArray = Int32Array.from(labels);

  const identity = Int32Array.from({ length: ids.length }, (_, i) => i);
  const orderFor = (epoch: number): Int32Array => (shuffle ? permutation(ids.length, deriveSeed(seed, epoch)) : identity);
  const config = { batch, maxLength, pad, seed, shuffle, dropLast, padTo, epochs: epochs === Infinity ? null : epochs, examples: ids.length };
  const order = new BatchOrder('classificationBatches', config, orderFor, batch, dropLast, epochs);

  return batchIterator(order, (indices, epoch, step) => {
    const rows = indices.length;
    const lengths = new Int32Array(rows);
    for (let b = 0; b < rows; b++) lengths[b] = Math.min(maxLength, ids[indices[b]].length);
    const length = padTo === 'max' ? maxLength : Math.max(1, ...lengths);
    const inputs = new Int32Array(rows * length).fill(pad);
    const mask = new Float32Array(rows * length);
    const batchLabels = new Int32Array(rows);
    for (let b = 0; b < rows; b++) {
      inputs.set(ids[indices[b]].subarray(0, lengths[b]), b * length);
      mask.fill(1, b * length, b * length + lengths[b]);
      batchLabels[b] = labelArray[indices[b]];
    }
    return { inputs, mask, labels: batchLabels, lengths, indices: indices.slice(), batch: rows, length, epoch, step };
  });
}
