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

/** The words a message is made of for the naive Bayes baseline: lower-cased runs of letters and digits. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * A multinomial naive Bayes classifier over words (add-one smoothing): the classical baseline a
 * fine-tuned model has to beat on SpamAssassin.
 *   class = argmax_c  log P(c) + Σ_w n_w · log P(w | c),   P(w | c) = (n_wc + 1) / (n_c + |V|)
 * Words unseen in training are skipped.
 */
export class NaiveBayes {
  private readonly logPrior: number[];
  private readonly logLikelihood: Array<Map<string, number>>;
  private readonly unseen: number[];

  constructor(texts: readonly string[], labels: ArrayLike<number>, classes: number) {
    const counts = Array.from({ length: classes }, () => new Map<string, number>());
    const totals = new Array<number>(classes).fill(0);
    const documents = new Array<number>(classes).fill(0);
    const vocabulary = new Set<string>();
    texts.forEach((text, i) => {
      const c = labels[i];
      documents[c]++;
      for (const w of words(text)) {
        counts[c].set(w, (counts[c].get(w) ?? 0) + 1);
        totals[c]++;
        vocabulary.add(w);
      }
    });
    const v = vocabulary.size;
    this.logPrior = documents.map((n) => Math.log(n / texts.length));
    this.unseen = totals.map((n) => Math.log(1 / (n + v)));
    this.logLikelihood = counts.map((map, c) => {
      const out = new Map<string, number>();
      for (const w of vocabulary) out.set(w, Math.log(((map.get(w) ?? 0) + 1) / (totals[c] + v)));
      return out;
    });
  }

  /** The most probable class of `text`. */
  predict(text: string): number {
    let best = 0;
    let bestScore = -Infinity;
    this.logPrior.forEach((prior, c) => {
      let score = prior;
      for (const w of words(text)) {
        if (!this.logLikelihood[0].has(w)) continue; // not in the training vocabulary
        score += this.logLikelihood[c].get(w) ?? this.unseen[c];
      }
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    });
    return best;
  }
}
