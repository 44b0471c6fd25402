/**
 * Residual VQ: a stack of codebooks, each quantizing what the previous ones left
 * (Zeghidour et al. 2021, "SoundStream: An End-to-End Neural Audio Codec"; Lee et al. 2022,
 * "Autoregressive Image Generation using Residual Quantization").
 *
 *   r_0 = x,  q_l = e^{(l)}_{k_l(r_l)},  r_{l+1} = r_l − sg[q_l],  q = Σ_l q_l
 *   q̃ = straight-through of q (standard or damped, on the sum),  loss = Σ_l loss_l
 * The reconstruction error falls as levels are added. Each level is a `Codebook` with the
 * shared options (level l seeded seed + l); 'cosine' is refused (residuals of unit vectors are
 * not unit vectors). Codes are [N, levels]; `combineCodes` turns them into one index.
 * Defaults: those of `Codebook`; levels has none.
 */
import { Module, concat, type Tensor } from '@smoe/tensor';
import { Codebook } from './codebook.js';
import { codebookOptionNames, resolveCodebookConfig, type CodebookConfig } from './codebook_config.js';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './quantizer.js';
import { VQConfigError, checkKeys, checkInteger } from './config.js';
import { straightThrough } from './straight_through.js';
import type { CodebookUsage } from './usage.js';

/** Configuration of a residual VQ: the codebook options (shared by all levels) and the number of levels. */
export interface ResidualVQConfig extends CodebookConfig {
  /** Number of codebooks applied one after another (≥ 1). */
  levels: number;
}

/** A multi-part result: the combined fields, and each part's own result. */
export interface MultiPartQuantizeResult extends QuantizeResult {
  /** Per-level (or per-head) results; their `quantized` fields are not used by the combination. */
  parts: QuantizeResult[];
}

export class ResidualVQ extends Module implements Quantizer {
  /** Number of levels. */
  readonly levels: number;
  /** Codes per level K. */
  readonly size: number;
  /** Dimension D. */
  readonly dim: number;
  /** One codebook per level. */
  readonly codebooks: Codebook[];
  private readonly straightThrough: { mode: 'standard' | 'damped'; dampRate: number };

  constructor(config: ResidualVQConfig) {
    super();
    const where = 'ResidualVQ';
    checkKeys(where, config, [...codebookOptionNames, 'levels']);
    this.levels = checkInteger(where, 'levels', config.levels, 1);
    const { levels: _levels, ...options } = config;
    const resolved = resolveCodebookConfig(options, where);
    if (resolved.distance === 'cosine') throw new VQConfigError(where, 'distance', 'cosine', "'l2' (residuals of unit vectors are not unit vectors)");
    this.size = resolved.size;
    this.dim = resolved.dim;
    this.straightThrough = { mode: resolved.straightThrough, dampRate: resolved.dampRate };
    this.codebooks = Array.from({ length: this.levels }, (_, l) => new Codebook({ ...options, seed: resolved.seed + l }));
  }

  /** Quantizes x [N, D] level by level; codes are int32 [N, levels]. */
  async quantize(x: Tensor, options: QuantizeOptions = {}): Promise<MultiPartQuantizeResult> {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw new VQConfigError('ResidualVQ.quantize', 'x', x, `a float32 tensor of shape [N, ${this.dim}] (dim ${this.dim})`);
    const training = options.training ?? this.training;
    const n = x.shape[0];
    const parts: QuantizeResult[] = [];
    let residual = x;
    let total: Tensor | null = null;
    for (const codebook of this.codebooks) {
      const part = await codebook.quantize(residual, { training });
      parts.push(part);
      const q = part.codewords.detach();
      total = total ? total.add(q) : q;
      residual = residual.sub(q);
    }
    const sum = (pick: (r: QuantizeResult) => Tensor): Tensor => parts.map(pick).reduce((a, b) => a.add(b));
    const mean = (pick: (r: QuantizeResult) => number): number => parts.reduce((s, r) => s + pick(r), 0) / parts.length;
    const codeIndex = new Int32Array(n * this.levels);
    parts.forEach((part, l) => part.codeIndex.forEach((c, i) => (codeIndex[i * this.levels + l] = c)));
    return {
      quantized: straightThrough(x, total!, this.straightThrough),
      codes: concat(parts.map((p) => p.codes.reshape([n, 1])), 1),
      codeIndex,
      codewords: parts.map((p) => p.codewords).reduce((a, b) => a.add(b)),
      loss: sum((r) => r.loss),
      codebookLoss: sum((r) => r.codebookLoss),
      commitmentLoss: sum((r) => r.commitmentLoss),
      perplexity: mean((r) => r.perplexity),
      deadFraction: mean((r) => r.deadFraction),
      restartedCodes: parts.reduce((s, r) => s + r.restartedCodes, 0),
      parts,
    };
  }

  /** Vectors of int32 codes [N, levels]: the sum of each level's code vector → [N, D]. */
  decode(codes: Tensor): Tensor {
    if (codes.rank !== 2 || codes.shape[1] !== this.levels) throw new VQConfigError('ResidualVQ.decode', 'codes', codes, `int32 codes of shape [N, ${this.levels}]`);
    return this.codebooks.map((cb, l) => cb.lookup(codes.slice(1, l, 1).reshape([codes.shape[0]]))).reduce((a, b) => a.add(b));
  }

  /** Running usage of each level. */
  usage(): CodebookUsage[] {
    return this.codebooks.map((cb) => cb.usage());
  }
}
