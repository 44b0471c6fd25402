import { describe, expect, it } from 'vitest';
import { UsageTracker, codeCounts, combineCodes, deadFraction, perplexity, splitCodes } from './index.js';

describe('usage statistics', () => {
  it('perplexity of hand-made assignments', () => {
    expect(perplexity(codeCounts([0, 1, 2, 3], 4))).toBeCloseTo(4, 10);
    expect(perplexity(codeCounts([0, 0, 1, 1], 4))).toBeCloseTo(2, 10);
    expect(perplexity(codeCounts([3, 3, 3, 3], 4))).toBeCloseTo(1, 10);
    // p = (1/2, 1/4, 1/4): H = 1.5 ln 2.
    expect(perplexity(codeCounts([0, 0, 1, 2], 4))).toBeCloseTo(2 ** 1.5, 10);
    // p = (0.7, 0.2, 0.1).
    const counts = Float32Array.from([7, 2, 1]);
    expect(perplexity(counts)).toBeCloseTo(Math.exp(-(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1))), 6);
    expect(perplexity(new Float32Array(3))).toBe(0);
  });

  it('counts reject codes outside the codebook', () => {
    expect(() => codeCounts([0, 4], 4)).toThrow(/code 4 at position 1 is outside \[0, 4\)/);
  });

  it('dead fraction: codes below the threshold', () => {
    expect(deadFraction(Float32Array.from([0, 5, 0.5, 2]), 1)).toBe(0.5);
    expect(deadFraction(Float32Array.from([0, 5]), 0)).toBe(0.5);
  });

  it('running usage: first batch as is, then an exponential moving average', () => {
    const tracker = new UsageTracker(3, 0.5, 1);
    expect(tracker.stats().deadFraction).toBe(0);
    tracker.update([4, 0, 2]);
    expect(Array.from(tracker.counts)).toEqual([4, 0, 2]);
    expect(tracker.stats().deadFraction).toBeCloseTo(1 / 3);
    tracker.update([0, 0, 2]);
    expect(Array.from(tracker.counts)).toEqual([2, 0, 2]);
    tracker.update([0, 0, 2]);
    tracker.update([0, 0, 2]);
    expect(tracker.below()).toEqual([0, 1]);
    tracker.reset([0, 1], 3);
    expect(tracker.stats()).toEqual({ counts: Float32Array.from([3, 3, 2]), perplexity: perplexity([3, 3, 2]), deadFraction: 0 });
  });

  it('mixed-radix codes combine and split back (part 0 least significant)', () => {
    const parts = Int32Array.from([1, 2, 0, 0, 3, 1]);
    const combined = combineCodes(parts, [4, 3]);
    expect(Array.from(combined)).toEqual([1 + 2 * 4, 0, 3 + 1 * 4]);
    expect(Array.from(splitCodes(combined, [4, 3]))).toEqual(Array.from(parts));
    expect(() => combineCodes([4, 0], [4, 3])).toThrow(/outside \[0, 4\)/);
  });
});
