import { describe, expect, it } from 'vitest';
import { imageBatches } from './image-batches.js';
import { mnist } from './mnist.js';
import { patchify } from './patchify.js';

const test = mnist('test');
const take = <T>(iterator: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => iterator.next().value as T);

describe('imageBatches', () => {
  it('copies the images and labels of the chosen examples', () => {
    const [batch] = take(imageBatches(test.images, test.labels, { batch: 32, seed: 1 }), 1);
    expect([batch.batch, batch.pixels]).toEqual([32, 784]);
    for (let b = 0; b < 32; b++) {
      const index = batch.indices[b];
      expect(batch.labels[b]).toBe(test.labels[index]);
      expect(batch.images.subarray(b * 784, (b + 1) * 784)).toEqual(test.images.subarray(index * 784, (index + 1) * 784));
    }
    // Batches feed patchify directly: [32, 16, 49] for 7 × 7 patches.
    expect(patchify(batch.images, { count: 32, height: 28, width: 28, patch: 7 }).length).toBe(32 * 16 * 49);
  });

  it('shuffles deterministically per epoch, differently each epoch, and resumes exactly', () => {
    const options = { batch: 1000, seed: 4 };
    const a = take(imageBatches(test.images, test.labels, options), 12);
    const b = take(imageBatches(test.images, test.labels, options), 12);
    expect(b.map((x) => Array.from(x.indices.subarray(0, 10)))).toEqual(a.map((x) => Array.from(x.indices.subarray(0, 10))));
    expect(a[10].epoch).toBe(1);
    expect(Array.from(a[10].indices.subarray(0, 10))).not.toEqual(Array.from(a[0].indices.subarray(0, 10)));
    const epoch = a.slice(0, 10).flatMap((x) => Array.from(x.indices));
    expect(new Set(epoch).size).toBe(10000);
    const iterator = imageBatches(test.images, test.labels, options);
    iterator.restore({ ...iterator.state(), epoch: 1, step: 1 });
    expect(Array.from((iterator.next().value as (typeof a)[number]).indices)).toEqual(Array.from(a[11].indices));
  });

  it('stops after the requested epochs and validates sizes', () => {
    const batches = [...imageBatches(test.images, test.labels, { batch: 3000, shuffle: false })];
    expect(batches.map((x) => x.batch)).toEqual([3000, 3000, 3000, 1000]);
    expect([...imageBatches(test.images, test.labels, { batch: 3000, epochs: 2 })].length).toBe(6);
    expect(() => imageBatches(test.images, test.labels.subarray(0, 3), { batch: 1 })).toThrow(/labels.length = 3/);
    expect(() => imageBatches(test.images, test.labels, { batch: 20000 })).toThrow(/batch = 20000 is invalid; allowed: at most 10000 examples/);
  });
});
