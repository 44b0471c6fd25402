/**
 * Image batches for classification: images [batch, pixels] copied from a flat Float32Array
 * [count, pixels] (pixels = images.length / labels.length, e.g. 28·28 for MNIST) with labels
 * [batch] and the example indices. Defaults: shuffle true (seeded per epoch from
 * deriveSeed(seed, epoch)), seed 0, dropLast = shuffle, epochs = Infinity when shuffling,
 * else 1. Compose with `patchify` or `corruptImages` on each batch as needed. Resumable via
 * `state()` / `restore()`. Pure.
 */
import { batchIterator, BatchOrder, checkEpochs, type BatchIterator } from './batch-order.js';
import { deriveSeed, permutation } from './rng.js';
import { checkBoolean, checkInteger, checkSeed, invalid } from './validate.js';

export interface ImageBatchOptions {
  batch: number;
  seed?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  epochs?: number;
}

export interface ImageBatch {
  /** [batch, pixels]. */
  images: Float32Array;
  /** [batch]. */
  labels: Int32Array;
  /** [batch], example index of each row. */
  indices: Int32Array;
  batch: number;
  pixels: number;
  epoch: number;
  step: number;
}

/** Seeded, resumable batches of (image, label) pairs. */
export function imageBatches(images: Float32Array, labels: ArrayLike<number>, options: ImageBatchOptions): BatchIterator<ImageBatch> {
  const where = 'imageBatches';
  if (!(images instanceof Float32Array)) invalid(where, 'images', images, 'a Float32Array');
  if (labels === null || typeof labels !== 'object' || labels.length === 0 || images.length % labels.length !== 0) {
    invalid(where, 'labels.length', labels?.length, `a non-zero divisor of images.length (${images.length})`);
  }
  if (typeof options !== 'object' || options === null) invalid(where, 'options', options, '{ batch, seed?, shuffle? }');
  const count = labels.length;
  const pixels = images.length / count;
  const batch = checkInteger(where, 'batch', options.batch, 1);
  const seed = checkSeed(where, options.seed ?? 0);
  const shuffle = checkBoolean(where, 'shuffle', options.shuffle, true);
  const dropLast = checkBoolean(where, 'dropLast', options.dropLast, shuffle);
  const epochs = checkEpochs(where, options.epochs, shuffle ? Infinity : 1);
  if (dropLast && count < batch) invalid(where, 'batch', batch, `at most ${count} examples, or dropLast: false`);
  const labelArray = Int32Array.from(labels);

  const identity = Int32Array.from({ length: count }, (_, i) => i);
  const orderFor = (epoch: number): Int32Array => (shuffle ? permutation(count, deriveSeed(seed, epoch)) : identity);
  const config = { batch, seed, shuffle, dropLast, epochs: epochs === Infinity ? null : epochs, examples: count, pixels };
  const order = new BatchOrder('imageBatches', config, orderFor, batch, dropLast, epochs);

  return batchIterator(order, (indices, epoch, step) => {
    const rows = indices.length;
    const out = new Float32Array(rows * pixels);
    const batchLabels = new Int32Array(rows);
    for (let b = 0; b < rows; b++) {
      out.set(images.subarray(indices[b] * pixels, (indices[b] + 1) * pixels), b * pixels);
      batchLabels[b] = labelArray[indices[b]];
    }
    return { images: out, labels: batchLabels, indices: indices.slice(), batch: rows, pixels, epoch, step };
  });
}
