import { describe, expect, it } from 'vitest';
import { NaiveBayes, unigramBitsPerToken, words } from './baseline.js';

describe('baselines', () => {
  it('unigram: add-one smoothed frequencies, in bits', () => {
    // train [0, 0, 1], vocab 2: P(0) = 3/5, P(1) = 2/5
    expect(unigramBitsPerToken(Int32Array.of(0, 0, 1), Int32Array.of(0, 1), 2)).toBeCloseTo(-(Math.log2(3 / 5) + Math.log2(2 / 5)) / 2, 12);
  });

  it('naive Bayes: the log posterior by hand on a two-document corpus', () => {
    expect(words('Buy NOW, buy!! 2day')).toEqual(['buy', 'now', 'buy', '2day']);
    const nb = new NaiveBayes(['cheap pills buy', 'meeting notes attached'], [1, 0], 2);
    // vocabulary 6 words, 3 per class: P(w | c) = (n + 1) / 9; equal priors
    expect(nb.predict('buy cheap')).toBe(1);
    expect(nb.predict('notes for the meeting')).toBe(0);
    // a tie (no known word) goes to the first class
    expect(nb.predict('unknown words only')).toBe(0);
  });
});
