/**
 * Codebook: K learned vectors of dimension D; each input goes to its nearest code
 * (van den Oord et al. 2017, "Neural Discrete Representation Learning" — VQ-VAE).
 *
 *   k(x) = argmin_j d(x, e_j)      d = ‖x − e‖² (l2) or 1 − cos(x, e) (cosine: x and e normalised)
 *   q = e_{k(x)}                   q̃ = straight-through of q (standard x + sg[q − x], or damped)
 *   loss = ‖sg[x] − q‖² + β·‖x − sg[q]‖²   (the codebook term is dropped when EMA learns the codes)
 *
 * Learning the codes: by gradient of the codebook loss (default), or by EMA (VQ-VAE appendix;
 * Razavi et al. 2019, "VQ-VAE-2"): N_k ← γN_k + (1−γ)n_k, m_k ← γm_k + (1−γ)Σ_{x→k} x,
 * e_k = m_k / Ñ_k with Laplace smoothing Ñ_k = (N_k + ε)/(Σ N + Kε)·Σ N.
 * Health: k-means initialisation on the first training batch, restart of dead codes (running
 * usage below a threshold) from random vectors of the current batch, running usage statistics.
 *
 * Defaults: distance 'l2', commitmentWeight 0.25, straightThrough 'standard', dampRate 0.05,
 * ema off ({ decay 0.99, epsilon 1e-5, laplaceSmoothing true } when on), kmeansInit off
 * ({ iterations 10, seeding 'kmeans++' } when on), deadCodeThreshold 0 (off), usageDecay 0.99,
 * deadUsageThreshold = deadCodeThreshold if set, else 0.01; initStd 1; seed 0.
 *
 * Training-time state changes (k-means, restarts, EMA, usage) happen inside
 * `quantize(x, { training: true })` under noGrad; restarts are applied before this batch's
 * graph is built, so a backward pass never sees codebook values other than those it used.
 */
import { Module, Rng, indexAdd, indexSelect, maximum, noGrad, ones, parameter, randn, tensor, where, zeros, type RngState, type Tensor } from '@smoe/tensor';
import { resolveCodebookConfig, type CodebookConfig, type ResolvedCodebookConfig } from './codebook_config.js';
import { VQConfigError } from './config.js';
import { l2Normalize, nearestCode, pairwiseDistances } from './distance.js';
import { kmeans } from './kmeans.js';
import { vqLosses } from './losses.js';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './quantizer.js';
import { straightThrough } from './straight_through.js';
import { UsageTracker, codeCounts, perplexity, type CodebookUsage } from './usage.js';

/** Saved non-parameter state of a codebook (the codes themselves are the `embeddings` parameter). */
export interface CodebookState {
  usage: Float32Array;
  usageSteps: number;
  initialised: boolean;
  rng: RngState;
  clusterSize?: Float32Array;
  embeddingSum?: Float32Array;
}

export class Codebook extends Module implements Quantizer {
  /** Number of codes K. */
  readonly size: number;
  /** Dimension D. */
  readonly dim: number;
  /** The validated configuration. */
  readonly config: ResolvedCodebookConfig;
  /** [K, D] the codes. A parameter in both modes (so checkpoints hold it); with EMA no gradient reaches it. */
  readonly embeddings: Tensor;
  /** EMA state: [K] cluster sizes N and [K, D] sums m (null without EMA). */
  clusterSize: Tensor | null = null;
  embeddingSum: Tensor | null = null;
  /** True once k-means has run (or when it is off). */
  initialised: boolean;
  private rng: Rng;
  private readonly tracker: UsageTracker;

  constructor(config: CodebookConfig) {
    super();
    this.config = resolveCodebookConfig(config);
    this.size = this.config.size;
    this.dim = this.config.dim;
    this.rng = new Rng(this.config.seed);
    this.embeddings = parameter(randn([this.size, this.dim], this.config.initStd, { rng: this.rng }), 'embeddings');
    if (this.config.ema) {
      this.clusterSize = ones([this.size]);
      this.embeddingSum = this.embeddings.detach();
    }
    this.initialised = this.config.kmeansInit === null;
    this.tracker = new UsageTracker(this.size, this.config.usageDecay, this.config.deadUsageThreshold);
  }

  /** [K, D] the codes as inputs meet them (unit rows with cosine). Differentiable unless EMA. */
  vectors(): Tensor {
    const table = this.config.ema ? this.embeddings.detach() : this.embeddings;
    return this.config.distance === 'cosine' ? l2Normalize(table) : table;
  }

  /** Distances [N, K] from x [N, D] to every code. */
  distances(x: Tensor): Tensor {
    this.checkInput('distances', x);
    return pairwiseDistances(x, this.embeddings, this.config.distance);
  }

  /** The nearest code of each row of x [N, D]: int32 [N], computed in a kernel. */
  nearest(x: Tensor): Tensor {
    this.checkInput('nearest', x);
    return nearestCode(x, this.embeddings, this.config.distance);
  }

  /** Code vectors of int32 `codes` [...] → [..., D]. */
  lookup(codes: Tensor): Tensor {
    return indexSelect(this.vectors(), 0, codes.reshape([codes.size])).reshape([...codes.shape, this.dim]);
  }

  /** Same as `lookup` (the name the multi-part quantizers use). */
  decode(codes: Tensor): Tensor {
    return this.lookup(codes);
  }

  /** Quantizes x [N, D]; in training mode also updates the codebook's state (see the header). */
  async quantize(x: Tensor, options: QuantizeOptions = {}): Promise<QuantizeResult> {
    this.checkInput('quantize', x);
    const training = options.training ?? this.training;
    const { distance, commitmentWeight } = this.config;
    const input = distance === 'cosine' ? l2Normalize(x) : x;
    let restartedCodes = 0;
    if (training) {
      if (!this.initialised) await this.initialiseFrom(input);
      restartedCodes = this.restartDeadCodes(input);
    }
    const codebook = this.vectors();
    const codes = nearestCode(input, codebook, distance === 'cosine' ? 'l2' : distance);
    const codeIndex = (await codes.data()) as Int32Array;
    const codewords = indexSelect(codebook, 0, codes);
    const { codebookLoss, commitmentLoss } = vqLosses(input, codewords);
    const commitment = commitmentLoss.mul(commitmentWeight);
    const loss = this.config.ema ? commitment : codebookLoss.add(commitment);
    const quantized = straightThrough(input, codewords, { mode: this.config.straightThrough, dampRate: this.config.dampRate });
    const counts = codeCounts(codeIndex, this.size);
    if (training) {
      this.tracker.update(counts);
      if (this.config.ema) this.emaUpdate(input, codes);
    }
    return {
      quantized,
      codes,
      codeIndex,
      codewords,
      loss,
      codebookLoss,
      commitmentLoss,
      perplexity: perplexity(counts),
      deadFraction: this.tracker.stats().deadFraction,
      restartedCodes,
    };
  }

  /** Running usage statistics over training batches. */
  usage(): CodebookUsage {
    return this.tracker.stats();
  }

  /** Forgets the running usage. */
  resetUsage(): void {
    this.tracker.clear();
  }

  /** The state beyond the `embeddings` parameter (EMA averages, usage, generator), for checkpoints. */
  async saveState(): Promise<CodebookState> {
    return {
      usage: this.tracker.counts.slice(),
      usageSteps: this.tracker.steps,
      initialised: this.initialised,
      rng: this.rng.state(),
      ...(this.clusterSize && this.embeddingSum ? { clusterSize: (await this.clusterSize.data()) as Float32Array, embeddingSum: (await this.embeddingSum.data()) as Float32Array } : {}),
    };
  }

  /** Restores what `saveState` returned. */
  loadState(state: CodebookState): void {
    if (state.usage.length !== this.size) throw new VQConfigError('Codebook.loadState', 'usage', `${state.usage.length} counts`, `${this.size} counts (one per code)`);
    this.tracker.counts.set(state.usage);
    this.tracker.steps = state.usageSteps;
    this.initialised = state.initialised;
    this.rng = new Rng(state.rng);
    if (this.config.ema) {
      if (!state.clusterSize || !state.embeddingSum) throw new VQConfigError('Codebook.loadState', 'clusterSize', undefined, 'EMA state (clusterSize and embeddingSum) for an EMA codebook');
      this.clusterSize = tensor(state.clusterSize, [this.size]);
      this.embeddingSum = tensor(state.embeddingSum, [this.size, this.dim]);
    }
  }

  private checkInput(method: string, x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim || x.dtype !== 'float32') {
      throw new VQConfigError(`Codebook.${method}`, 'x', x, `a float32 tensor of shape [N, ${this.dim}] (dim ${this.dim})`);
    }
  }

  // k-means on the first training batch; the EMA averages start from its clusters.
  private async initialiseFrom(input: Tensor): Promise<void> {
    const options = this.config.kmeansInit;
    if (!options) return;
    const { centroids, counts } = await kmeans(input, { clusters: this.size, iterations: options.iterations, seeding: options.seeding, distance: this.config.distance, rng: this.rng });
    noGrad(() => {
      this.embeddings.assign(centroids);
      if (this.config.ema) {
        this.clusterSize = maximum(counts, 1);
        this.embeddingSum = centroids.mul(this.clusterSize.reshape([this.size, 1]));
      }
    });
    this.initialised = true;
  }

  // Codes whose running usage is below the threshold move onto random rows of this batch.
  private restartDeadCodes(input: Tensor): number {
    const threshold = this.config.deadCodeThreshold;
    if (!(threshold > 0) || this.tracker.steps === 0) return 0;
    const dead = this.tracker.below(threshold);
    if (dead.length === 0) return 0;
    const n = input.shape[0];
    const rows = sampleRows(n, dead.length, this.rng);
    const mask = new Float32Array(this.size);
    for (const k of dead) mask[k] = 1;
    noGrad(() => {
      const picked = indexSelect(input.detach(), 0, tensor(Int32Array.from(rows)));
      const placed = indexAdd(zeros([this.size, this.dim]), 0, tensor(Int32Array.from(dead)), picked);
      const replace = tensor(mask, [this.size, 1]);
      this.embeddings.assign(where(replace, placed, this.embeddings.detach()));
      if (this.clusterSize && this.embeddingSum) {
        this.embeddingSum = where(replace, placed, this.embeddingSum);
        this.clusterSize = where(tensor(mask, [this.size]), 1, this.clusterSize);
      }
    });
    // A restarted code gets a grace value: the fair share of a batch, at least the threshold.
    this.tracker.reset(dead, Math.max(threshold, n / this.size));
    return dead.length;
  }

  private emaUpdate(input: Tensor, codes: Tensor): void {
    const ema = this.config.ema;
    if (!ema || !this.clusterSize || !this.embeddingSum) return;
    const { decay, epsilon } = ema;
    const [n, k] = [input.shape[0], this.size];
    noGrad(() => {
      const batchSize = indexAdd(zeros([k]), 0, codes, ones([n]));
      const batchSum = indexAdd(zeros([k, this.dim]), 0, codes, input.detach());
      const clusterSize = this.clusterSize!.mul(decay).add(batchSize.mul(1 - decay));
      const embeddingSum = this.embeddingSum!.mul(decay).add(batchSum.mul(1 - decay));
      let smoothed: Tensor;
      if (ema.laplaceSmoothing) {
        const total = clusterSize.sum();
        smoothed = clusterSize.add(epsilon).div(total.add(k * epsilon)).mul(total);
      } else {
        smoothed = maximum(clusterSize, epsilon);
      }
      this.clusterSize = clusterSize;
      this.embeddingSum = embeddingSum;
      this.embeddings.assign(embeddingSum.div(smoothed.reshape([k, 1])));
    });
  }
}

// `count` rows of a batch of `n`: distinct while possible (partial Fisher–Yates).
function sampleRows(n: number, count: number, rng: Rng): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i % n;
    if (j === 0 && i > 0) pool.sort((a, b) => a - b);
    const r = j + rng.int(n - j);
    [pool[j], pool[r]] = [pool[r], pool[j]];
    out.push(pool[j]);
  }
  return out;
}
