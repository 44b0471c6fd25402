/**
 * Code usage statistics: how many inputs each code took, the perplexity of those assignments,
 * and the dead codes. Host bookkeeping on the code indices already read back.
 *
 *   perplexity = exp(−Σ_k p_k·log p_k),  p_k = n_k / Σ_j n_j   (1 = one code used, K = uniform)
 *   running usage u_k ← γ·u_k + (1 − γ)·n_k per training batch (u = n on the first batch), so
 *   u_k is the average number of inputs per batch code k took over the last ~1/(1 − γ) batches;
 *   a code is dead when u_k is below a threshold.
 */

/** Usage of a codebook. */
export interface CodebookUsage {
  /** [K] running usage per code (average inputs per batch over the running window). */
  counts: Float32Array;
  /** Perplexity of the running usage distribution (1..K; 0 before any batch). */
  perplexity: number;
  /** Fraction of codes whose running usage is below the dead threshold. */
  deadFraction: number;
}

/** Inputs per code: [size] counts of `codes` (values in [0, size)). */
export function codeCounts(codes: ArrayLike<number>, size: number): Float32Array {
  const counts = new Float32Array(size);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (!(c >= 0 && c < size) || !Number.isInteger(c)) throw new Error(`codeCounts: code ${c} at position ${i} is outside [0, ${size})`);
    counts[c]++;
  }
  return counts;
}

/** Perplexity exp(H) of the distribution proportional to `counts`; 0 when all counts are 0. */
export function perplexity(counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (let k = 0; k < counts.length; k++) {
    const p = counts[k] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/** Fraction of entries of `counts` below `threshold` (a count of 0 is always dead). */
export function deadFraction(counts: ArrayLike<number>, threshold: number): number {
  if (counts.length === 0) return 0;
  let dead = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] < threshold || counts[k] === 0) dead++;
  return dead / counts.length;
}

/** Running usage of K codes over training batches (exponential moving average of counts). */
export class UsageTracker {
  /** [K] running usage. */
  readonly counts: Float32Array;
  /** Training batches seen. */
  steps = 0;

  /** `decay` γ in (0, 1); `deadThreshold`: running usage below which a code counts as dead. */
  constructor(readonly size: number, readonly decay: number, readonly deadThreshold: number) {
    this.counts = new Float32Array(size);
  }

  /** Folds one batch's counts into the running usage. */
  update(batchCounts: ArrayLike<number>): void {
    if (batchCounts.length !== this.size) throw new Error(`UsageTracker: got ${batchCounts.length} counts for ${this.size} codes`);
    for (let k = 0; k < this.size; k++) {
      this.counts[k] = this.steps === 0 ? batchCounts[k] : this.decay * this.counts[k] + (1 - this.decay) * batchCounts[k];
    }
    this.steps++;
  }

  /** Codes whose running usage is below `threshold` (default: the dead threshold). */
  below(threshold = this.deadThreshold): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.size; k++) if (this.counts[k] < threshold || this.counts[k] === 0) out.push(k);
    return out;
  }

  /** Sets the running usage of `codes` (a restarted code gets a grace value). */
  reset(codes: readonly number[], value: number): void {
    for (const k of codes) this.counts[k] = value;
  }

  /** Forgets all batches. */
  clear(): void {
    this.counts.fill(0);
    this.steps = 0;
  }

  /** The statistics (a copy of the counts). */
  stats(): CodebookUsage {
    return {
      counts: this.counts.slice(),
      perplexity: perplexity(this.counts),
      deadFraction: this.steps === 0 ? 0 : deadFraction(this.counts, this.deadThreshold),
    };
  }
}
