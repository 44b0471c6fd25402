/**
 * Product (multi-head) VQ: split the D dimensions into H heads of D/H and quantize each head
 * with its own codebook, or with one shared codebook (Jégou et al. 2011, "Product Quantization
 * for Nearest Neighbor Search"; multi-head VQ as in lucidrains' vector-quantize-pytorch).
 *
 *   x = [x^(1) | … | x^(H)],  q = [q^(1) | … | q^(H)],  K^H combinations from H·K codes
 *   loss = mean over heads of each head's loss (= the per-element mean over all D dimensions)
 * The straight-through estimator acts per head, which is the same as acting on the whole.
 * Codes are [N, heads]; `combineCodes(codeIndex, Array(heads).fill(size))` gives one index.
 * Defaults: those of `Codebook`; sharedCodebook false.
 */
import { Module, concat, slice, type Tensor } from '@smoe/tensor';
import { Codebook } from './codebook.js';
import { codebookOptionNames, resolveCodebookConfig, type CodebookConfig } from './codebook_config.js';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './quantizer.js';
import { VQConfigError, checkBoolean, checkKeys, orDefault, checkInteger } from './config.js';
import type { MultiPartQuantizeResult } from './residual.js';
import type { CodebookUsage } from './usage.js';

/** Configuration of a product VQ: `dim` is the whole input's; each head gets dim / heads. */
export interface ProductVQConfig extends CodebookConfig {
  /** Number of heads H (≥ 1, divides dim). */
  heads: number;
  /** One codebook for all heads instead of one per head. Default false. */
  sharedCodebook?: boolean;
}

export class ProductVQ extends Module implements Quantizer {
  /** Number of heads H. */
  readonly heads: number;
  /** Codes per head K. */
  readonly size: number;
  /** Input dimension D. */
  readonly dim: number;
  /** Dimension of one head, D / H. */
  readonly headDim: number;
  /** Whether all heads share one codebook. */
  readonly sharedCodebook: boolean;
  /** One codebook per head (one in all when shared). */
  readonly codebooks: Codebook[];

  constructor(config: ProductVQConfig) {
    super();
    const where = 'ProductVQ';
    checkKeys(where, config, [...codebookOptionNames, 'heads', 'sharedCodebook']);
    const { heads, sharedCodebook, ...options } = config;
    this.heads = checkInteger(where, 'heads', heads, 1);
    this.sharedCodebook = checkBoolean(where, 'sharedCodebook', orDefault(sharedCodebook, false));
    const resolved = resolveCodebookConfig(options, where);
    if (resolved.dim % this.heads !== 0) throw new VQConfigError(where, 'dim', resolved.dim, `a multiple of heads (${this.heads})`);
    this.size = resolved.size;
    this.dim = resolved.dim;
    this.headDim = resolved.dim / this.heads;
    const count = this.sharedCodebook ? 1 : this.heads;
    this.codebooks = Array.from({ length: count }, (_, h) => new Codebook({ ...options, dim: this.headDim, seed: resolved.seed + h }));
  }

  /** Quantizes x [N, D] head by head; codes are int32 [N, heads]. */
  async quantize(x: Tensor, options: QuantizeOptions = {}): Promise<MultiPartQuantizeResult> {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw new VQConfigError('ProductVQ.quantize', 'x', x, `a float32 tensor of shape [N, ${this.dim}] (dim ${this.dim})`);
    const training = options.training ?? this.training;
    const [n, h] = [x.shape[0], this.heads];
    if (this.sharedCodebook) {
      // Row n·H + h of the reshaped input is head h of input n: one call quantizes every head.
      const part = await this.codebooks[0].quantize(x.reshape([n * h, this.headDim]), { training });
      return {
        ...part,
        quantized: part.quantized.reshape([n, this.dim]),
        codewords: part.codewords.reshape([n, this.dim]),
        codes: part.codes.reshape([n, h]),
        parts: [part],
      };
    }
    const parts: QuantizeResult[] = [];
    for (let head = 0; head < h; head++) parts.push(await this.codebooks[head].quantize(slice(x, 1, head * this.headDim, this.headDim), { training }));
    const average = (pick: (r: QuantizeResult) => Tensor): Tensor => parts.map(pick).reduce((a, b) => a.add(b)).div(h);
    const mean = (pick: (r: QuantizeResult) => number): number => parts.reduce((s, r) => s + pick(r), 0) / h;
    const codeIndex = new Int32Array(n * h);
    parts.forEach((part, head) => part.codeIndex.forEach((c, i) => (codeIndex[i * h + head] = c)));
    return {
      quantized: concat(parts.map((p) => p.quantized), 1),
      codes: concat(parts.map((p) => p.codes.reshape([n, 1])), 1),
      codeIndex,
      codewords: concat(parts.map((p) => p.codewords), 1),
      loss: average((r) => r.loss),
      codebookLoss: average((r) => r.codebookLoss),
      commitmentLoss: average((r) => r.commitmentLoss),
      perplexity: mean((r) => r.perplexity),
      deadFraction: mean((r) => r.deadFraction),
      restartedCodes: parts.reduce((s, r) => s + r.restartedCodes, 0),
      parts,
    };
  }

  /** Vectors of int32 codes [N, heads] → [N, D]. */
  decode(codes: Tensor): Tensor {
    if (codes.rank !== 2 || codes.shape[1] !== this.heads) throw new VQConfigError('ProductVQ.decode', 'codes', codes, `int32 codes of shape [N, ${this.heads}]`);
    const n = codes.shape[0];
    if (this.sharedCodebook) return this.codebooks[0].lookup(codes.reshape([n * this.heads])).reshape([n, this.dim]);
    return concat(this.codebooks.map((cb, head) => cb.lookup(codes.slice(1, head, 1).reshape([n]))), 1);
  }

  /** Running usage of each codebook (one when shared). */
  usage(): CodebookUsage[] {
    return this.codebooks.map((cb) => cb.usage());
  }
}
