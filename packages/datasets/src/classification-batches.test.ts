import { describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { classificationBatches, type ClassificationBatch } from './classification-batches.js';
import { spamAssassin } from './spam-assassin.js';

const tokenizer = byteTokenizer();
const data = spamAssassin('validation', { stripHeaders: true });
const ids = data.texts.map((text) => tokenizer.encode(text));
const take = <T>(iterator: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => iterator.next().value as T);

describe('classificationBatches', () => {
  it('pads and truncates to maxLength with a mask, keeping labels aligned', () => {
    const [batch] = take(classificationBatches(ids, data.labels, { batch: 16, maxLength: 256, pad: tokenizer.pad, seed: 1 }), 1);
    expect([batch.batch, batch.length]).toEqual([16, 256]);
    expect(batch.inputs.length).toBe(16 * 256);
    for (let b = 0; b < 16; b++) {
      const source = ids[batch.indices[b]];
      const length = Math.min(256, source.length);
      expect(batch.lengths[b]).toBe(length);
      expect(batch.labels[b]).toBe(data.labels[batch.indices[b]]);
      expect(batch.inputs.subarray(b * 256, b * 256 + length)).toEqual(source.subarray(0, length));
      const row = batch.mask.subarray(b * 256, (b + 1) * 256);
      expect(row.reduce((sum, v) => sum + v, 0)).toBe(length);
      for (let t = length; t < 256; t++) expect(batch.inputs[b * 256 + t]).toBe(tokenizer.pad);
    }
  });

  it('pads short sequences and can pad only to the longest in the batch', () => {
    const short = [Int32Array.of(1, 2, 3), Int32Array.of(4), Int32Array.of(5, 6)];
    const [batch] = [...classificationBatches(short, [0, 1, 0], { batch: 3, maxLength: 8, pad: 256, shuffle: false, padTo: 'longest' })];
    expect(batch.length).toBe(3);
    expect(Array.from(batch.inputs)).toEqual([1, 2, 3, 4, 256, 256, 5, 6, 256]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(batch.labels)).toEqual([0, 1, 0]);
  });

  it('is deterministic under a seed, covers every example once per epoch, and resumes exactly', () => {
    const options = { batch: 32, maxLength: 64, pad: tokenizer.pad, seed: 9 };
    const a = classificationBatches(ids, data.labels, options);
    const perEpoch = a.batchesInEpoch(0);
    expect(perEpoch).toBe(Math.floor(ids.length / 32));
    const epoch = take(a, perEpoch).flatMap((x) => Array.from(x.indices));
    expect(new Set(epoch).size).toBe(perEpoch * 32);
    const b = take(classificationBatches(ids, data.labels, options), perEpoch).flatMap((x) => Array.from(x.indices));
    expect(b).toEqual(epoch);
    const saved = a.state();
    const expected = take(a, 3);
    const resumed = classificationBatches(ids, data.labels, options);
    resumed.restore(saved);
    expect(take(resumed, 3).map((x: ClassificationBatch) => Array.from(x.indices))).toEqual(expected.map((x) => Array.from(x.indices)));
    expect(expected[0].epoch).toBe(1);
  });

  it('without shuffling, yields one ordered pass with a final partial batch', () => {
    const batches = [...classificationBatches(ids, data.labels, { batch: 100, maxLength: 16, pad: 256, shuffle: false })];
    expect(batches.length).toBe(Math.ceil(ids.length / 100));
    expect(batches.at(-1)!.batch).toBe(ids.length % 100);
    expect(batches.flatMap((x) => Array.from(x.indices))).toEqual(ids.map((_, i) => i));
  });

  it('validates its inputs', () => {
    expect(() => classificationBatches(ids, data.labels.subarray(1), { batch: 4, maxLength: 8, pad: 0 })).toThrow(/labels.length = 604/);
    expect(() => classificationBatches(ids, data.labels, { batch: 4, maxLength: 0, pad: 0 })).toThrow(/maxLength = 0/);
    // @ts-expect-error: unknown padTo
    expect(() => classificationBatches(ids, data.labels, { batch: 4, maxLength: 8, pad: 0, padTo: 'min' })).toThrow(/padTo = "min"/);
  });
});
