import { describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { lmBatches, type LmBatch } from './lm-batches.js';
import { mobyDick } from './moby-dick.js';
import { DatasetError } from './validate.js';

const tokens = byteTokenizer().encode(mobyDick('validation')); // 130,637 bytes
const take = <T>(iterator: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => iterator.next().value as T);

describe('lmBatches', () => {
  it('yields [batch, context] inputs with next-token targets', () => {
    const [first] = take(lmBatches(tokens, { context: 64, batch: 8, seed: 1 }), 1);
    expect(first.inputs.length).toBe(8 * 64);
    expect(first.targets.length).toBe(8 * 64);
    expect([first.batch, first.context]).toEqual([8, 64]);
    for (let b = 0; b < 8; b++) {
      const start = first.starts[b];
      expect(first.inputs.subarray(b * 64, (b + 1) * 64)).toEqual(tokens.subarray(start, start + 64));
      expect(first.targets.subarray(b * 64, (b + 1) * 64)).toEqual(tokens.subarray(start + 1, start + 65));
    }
  });

  it('gives the same batches for the same seed and different ones for another seed', () => {
    const a = take(lmBatches(tokens, { context: 32, batch: 4, seed: 7 }), 5);
    const b = take(lmBatches(tokens, { context: 32, batch: 4, seed: 7 }), 5);
    const c = take(lmBatches(tokens, { context: 32, batch: 4, seed: 8 }), 5);
    expect(b.map((x) => x.starts)).toEqual(a.map((x) => x.starts));
    expect(c.map((x) => x.starts)).not.toEqual(a.map((x) => x.starts));
  });

  it('covers an epoch with non-overlapping windows at one random offset, new each epoch', () => {
    const context = 128;
    const iterator = lmBatches(tokens, { context, batch: 16, seed: 3 });
    const perEpoch = iterator.batchesInEpoch(0);
    const epoch0 = take(iterator, perEpoch).flatMap((x) => Array.from(x.starts));
    const offsets = new Set(epoch0.map((s) => s % context));
    expect(offsets.size).toBe(1);
    expect(new Set(epoch0).size).toBe(epoch0.length);
    const windows = Math.floor((tokens.length - 1 - epoch0[0] % context) / context);
    expect(perEpoch).toBe(Math.floor(windows / 16));
    const next = iterator.next().value as LmBatch;
    expect(next.epoch).toBe(1);
    const offsetsByEpoch = Array.from({ length: 6 }, (_, e) => {
      const it = lmBatches(tokens, { context, batch: 16, seed: 3 });
      it.restore({ ...it.state(), epoch: e });
      return (it.next().value as LmBatch).starts[0] % context;
    });
    expect(new Set(offsetsByEpoch).size).toBeGreaterThan(1);
  });

  it('sequential mode predicts every token once, in order, with a final partial batch', () => {
    const context = 1000;
    const batches = [...lmBatches(tokens, { context, batch: 16, mode: 'sequential' })];
    const windows = Math.floor((tokens.length - 1) / context); // 130
    expect(batches.length).toBe(Math.ceil(windows / 16));
    expect(batches.at(-1)!.batch).toBe(windows % 16);
    const starts = batches.flatMap((x) => Array.from(x.starts));
    expect(starts).toEqual(Array.from({ length: windows }, (_, i) => i * context));
  });

  it('resumes exactly from a saved state, even across a JSON round trip', () => {
    const options = { context: 64, batch: 8, seed: 5 };
    const reference = lmBatches(tokens, options);
    const perEpoch = reference.batchesInEpoch(0);
    take(reference, perEpoch - 2);
    const saved = JSON.parse(JSON.stringify(reference.state()));
    const expected = take(reference, 5);
    const resumed = lmBatches(tokens, options);
    resumed.restore(saved);
    const got = take(resumed, 5);
    expect(got.map((x) => [x.epoch, x.step, Array.from(x.starts)])).toEqual(expected.map((x) => [x.epoch, x.step, Array.from(x.starts)]));
    expect(got[4].inputs).toEqual(expected[4].inputs);
  });

  it('refuses a state from another configuration or iterator', () => {
    const state = lmBatches(tokens, { context: 64, batch: 8, seed: 5 }).state();
    expect(() => lmBatches(tokens, { context: 64, batch: 8, seed: 6 }).restore(state)).toThrow(/state has seed = 5, this iterator has 6/);
    expect(() => lmBatches(tokens, { context: 64, batch: 8, seed: 5 }).restore({ ...state, kind: 'imageBatches' })).toThrow(
      /written by "imageBatches"/,
    );
  });

  it('validates its options', () => {
    expect(() => lmBatches(tokens, { context: 0, batch: 1 })).toThrow(/context = 0 is invalid/);
    // @ts-expect-error: unknown mode
    expect(() => lmBatches(tokens, { context: 8, batch: 1, mode: 'shuffled' })).toThrow(/mode = "shuffled" is invalid; allowed: "random" \| "sequential"/);
    expect(() => lmBatches(Int32Array.of(1, 2, 3), { context: 8, batch: 1 })).toThrow(/tokens.length = 3 is invalid; allowed: at least 2 · context = 16/);
    expect(() => lmBatches(Int32Array.of(1, 2, 3), { context: 8, batch: 1, mode: 'sequential' })).toThrow(/at least context \+ 1 = 9/);
    expect([...lmBatches(Int32Array.of(1, 2, 3), { context: 2, batch: 4, mode: 'sequential' })][0].batch).toBe(1);
    expect(() => lmBatches(tokens.subarray(0, 100), { context: 8, batch: 64 })).toThrow(DatasetError);
    expect(() => lmBatches(tokens, { context: 8, batch: 1, epochs: 0 })).toThrow(/epochs = 0/);
  });
});
