/**
 * FSQ — finite scalar quantization (Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE
 * Made Simple"): no learned codebook; each of d dimensions is bounded and rounded to one of
 * L_i levels, and the implicit codebook is the grid of Π L_i points.
 *
 *   h_i = (L_i − 1)(1 + ε)/2,  o_i = 0.5 if L_i is even else 0,  s_i = atanh(o_i / h_i)
 *   bound(z)_i = tanh(z_i + s_i)·h_i − o_i
 *   ẑ = round_ste(bound(z)) / ⌊L_i/2⌋         round_ste(v) = v + sg[round(v) − v]
 *   code = Σ_i (ẑ_i·⌊L_i/2⌋ + ⌊L_i/2⌋)·Π_{j<i} L_j   (mixed radix, dimension 0 least significant)
 * With `dim` ≠ d the input is projected to d dimensions and back by learned linear maps.
 * No losses (they are zero scalars), so codes cannot collapse through a codebook.
 * Defaults: dim = levels.length (no projection), epsilon 1e-3, usageDecay 0.99,
 * deadUsageThreshold 0.01, seed 0. The paper's levels for ≈2^8, 2^10, 2^12, 2^14, 2^16 codes:
 * [8, 6, 5], [8, 5, 5, 5], [7, 5, 5, 5, 5], [8, 8, 8, 6, 5], [8, 8, 8, 5, 5, 5].
 */
import { Module, Rng, init, mapElementwise, matmul, noGrad, scalar, tensor, Tensor } from '@smoe/tensor';
import { EXACT_INDEX_LIMIT, VQConfigError, checkKeys, orDefault, checkInteger, checkNumber } from './config.js';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './quantizer.js';
import { UsageTracker, codeCounts, perplexity, type CodebookUsage } from './usage.js';

/** Configuration of FSQ. */
export interface FSQConfig {
  /** Levels per dimension, each an integer ≥ 2; their product is the codebook size (≤ 2^24). */
  levels: readonly number[];
  /** Input dimension. Default levels.length; otherwise learned projections in and out. */
  dim?: number;
  /** Margin ε of the bound (keeps even levels reachable), in (0, 1). Default 1e-3. */
  epsilon?: number;
  /** Decay of the running usage counts, in (0, 1). Default 0.99. */
  usageDecay?: number;
  /** Running usage below which a code counts as dead. Default 0.01. */
  deadUsageThreshold?: number;
  /** Seed of the projections. Default 0. */
  seed?: number;
}

// round(v) = ⌊v + ½⌋ and ⌊v⌋ as kernels; no gradient (the STE supplies one).
const round = (v: Tensor): Tensor => mapElementwise('vq.round', 'Math.floor(x + 0.5)', [v.detach()]);
const floor = (v: Tensor): Tensor => mapElementwise('vq.floor', 'Math.floor(x)', [v.detach()]);

/** v + sg[round(v) − v]: forward round(v), gradient 1. */
export function roundStraightThrough(v: Tensor): Tensor {
  return v.add(round(v).sub(v.detach()));
}

export class FSQ extends Module implements Quantizer {
  /** Levels per dimension. */
  readonly levels: readonly number[];
  /** Input dimension. */
  readonly dim: number;
  /** Number of implicit codes Π L_i. */
  readonly size: number;
  /** [dim, d] and [d, dim] projections when dim ≠ levels.length, else null. */
  readonly projectIn: Tensor | null;
  readonly projectOut: Tensor | null;
  private readonly halfLevels: Tensor;
  private readonly offset: Tensor;
  private readonly shift: Tensor;
  private readonly halfWidth: Tensor;
  private readonly radix: Tensor;
  private readonly basis: Tensor;
  private readonly tracker: UsageTracker;

  constructor(config: FSQConfig) {
    super();
    const where = 'FSQ';
    checkKeys(where, config, ['levels', 'dim', 'epsilon', 'usageDecay', 'deadUsageThreshold', 'seed']);
    if (!Array.isArray(config.levels) || config.levels.length === 0) throw new VQConfigError(where, 'levels', config.levels, 'a non-empty array of integers ≥ 2');
    config.levels.forEach((l, i) => checkInteger(where, `levels[${i}]`, l, 2));
    this.levels = [...config.levels];
    const d = this.levels.length;
    this.size = this.levels.reduce((a, b) => a * b, 1);
    if (this.size > EXACT_INDEX_LIMIT) throw new VQConfigError(where, 'levels', config.levels, `levels whose product (${this.size}) is at most 2^24, the exact integer range of kernels`);
    this.dim = checkInteger(where, 'dim', orDefault(config.dim, d), 1);
    const epsilon = checkNumber(where, 'epsilon', orDefault(config.epsilon, 1e-3), 0, 1, { min: true, max: true });
    const usageDecay = checkNumber(where, 'usageDecay', orDefault(config.usageDecay, 0.99), 0, 1, { min: true, max: true });
    const deadUsage = checkNumber(where, 'deadUsageThreshold', orDefault(config.deadUsageThreshold, 0.01), 0, Infinity, { min: true });
    const rng = new Rng(checkNumber(where, 'seed', orDefault(config.seed, 0), -Infinity, Infinity));
    // Per-dimension constants of the configuration (host-computed once, like kernel constants).
    const half = this.levels.map((l) => ((l - 1) * (1 + epsilon)) / 2);
    const offset = this.levels.map((l) => (l % 2 === 0 ? 0.5 : 0));
    const basis: number[] = [];
    this.levels.reduce((scale, l) => (basis.push(scale), scale * l), 1);
    this.halfLevels = tensor(half, [d]);
    this.offset = tensor(offset, [d]);
    this.shift = tensor(offset.map((o, i) => Math.atanh(o / half[i])), [d]);
    this.halfWidth = tensor(this.levels.map((l) => Math.floor(l / 2)), [d]);
    this.radix = tensor(this.levels, [d]);
    this.basis = tensor(basis, [d, 1]);
    this.projectIn = this.dim === d ? null : init.xavier([this.dim, d], { rng });
    this.projectOut = this.dim === d ? null : init.xavier([d, this.dim], { rng });
    this.tracker = new UsageTracker(this.size, usageDecay, deadUsage);
  }

  /** Quantizes x [N, dim]; codes are int32 [N] indices into the implicit codebook. */
  async quantize(x: Tensor, options: QuantizeOptions = {}): Promise<QuantizeResult> {
    if (x.rank !== 2 || x.shape[1] !== this.dim || x.dtype !== 'float32') throw new VQConfigError('FSQ.quantize', 'x', x, `a float32 tensor of shape [N, ${this.dim}] (dim ${this.dim})`);
    const training = options.training ?? this.training;
    const z = this.projectIn ? matmul(x, this.projectIn) : x;
    const bounded = z.add(this.shift).tanh().mul(this.halfLevels).sub(this.offset);
    const rounded = roundStraightThrough(bounded);
    const normalized = rounded.div(this.halfWidth);
    const quantized = this.projectOut ? matmul(normalized, this.projectOut) : normalized;
    const codewords = this.projectOut ? matmul(normalized.detach(), this.projectOut) : normalized.detach();
    const codes = noGrad(() => {
      const digits = rounded.detach().add(this.halfWidth);
      return new Tensor(matmul(digits, this.basis).values, [x.shape[0]], 'int32');
    });
    const codeIndex = (await codes.data()) as Int32Array;
    const counts = codeCounts(codeIndex, this.size);
    if (training) this.tracker.update(counts);
    const zero = scalar(0);
    return { quantized, codes, codeIndex, codewords, loss: zero, codebookLoss: zero, commitmentLoss: zero, perplexity: perplexity(counts), deadFraction: this.tracker.stats().deadFraction, restartedCodes: 0 };
  }

  /** Grid values of int32 codes [N] → [N, d] in [−1, 1] (before the output projection). */
  gridValues(codes: Tensor): Tensor {
    if (codes.rank !== 1 || codes.dtype !== 'int32') throw new VQConfigError('FSQ.decode', 'codes', codes, 'int32 codes of shape [N]');
    return noGrad(() => {
      // The int32 values read as float32 (same storage) so arithmetic ops accept them.
      const c = new Tensor(codes.values, [codes.size, 1]);
      // digit_i = ⌊code / basis_i⌋ mod L_i, with +½ guarding the divisions against rounding.
      const quotient = floor(c.add(0.5).div(this.basis.reshape([this.levels.length])));
      const digits = quotient.sub(floor(quotient.add(0.5).div(this.radix)).mul(this.radix));
      return digits.sub(this.halfWidth).div(this.halfWidth);
    });
  }

  /** Vectors of int32 codes [N] → [N, dim] (through the output projection when there is one). */
  decode(codes: Tensor): Tensor {
    const grid = this.gridValues(codes);
    return this.projectOut ? matmul(grid, this.projectOut) : grid;
  }

  /** Running usage of the implicit codes. */
  usage(): CodebookUsage {
    return this.tracker.stats();
  }
}
