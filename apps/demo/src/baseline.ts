/**
 * The unigram baseline of a character-level corpus: the bits per character of predicting each
 * validation byte by its training frequency (add-one smoothed). A model that learns anything
 * beats it; the README compares the default run with it.
 */

/** Bits per token of the add-one-smoothed unigram model of `train` on `evaluation`. */
export function unigramBitsPerToken(train: Int32Array, evaluation: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (const t of train) counts[t]++;
  const total = train.length + vocab;
  let bits = 0;
  for (const t of evaluation) bits -= Math.log2(counts[t] / total);
  return bits / evaluation.length;
}
