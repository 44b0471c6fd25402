/**
 * xmoe — X-MoE's low-dimensional routing ("On the Representation Collapse of Sparse Mixture
 * of Experts", Chi et al. 2022): routing in a small space keeps the router from collapsing
 * token representations onto the expert embeddings.
 *
 *   z_i = W_p x_i                       W_p: [d, r], r = 8, no bias
 *   S_ij = z_i · e_j / ‖e_j‖ / τ         e_j ∈ R^r, orthogonal init with gain 0.32
 *   (normalizeInput: z_i/‖z_i‖ too, i.e. a cosine; learnTemperature: τ is learned)
 *   top-k, softmax over the selected scores; balance loss
 *
 * Defaults: routingDim 8, normalizeInput false, temperature 1, learnTemperature false
 * (the paper's router: normalizeInput true, learnTemperature true, temperature 0.07 as a
 * starting value), topK 2, weighting 'softmaxTopK', balanceLossWeight 0.01, zLossWeight 0.
 */
import { Rng, div, getRng, init, matmul, mul, parameter, rsqrt, scalar, sum, square, add, tensor, type Tensor } from '@smoe/tensor';
import { checkBoolean, checkKeys, orDefault, checkInteger, checkNumber, pick } from '../options.js';
import type { RouterConfig } from '../registry.js';
import { ScoredRouter, Scorer, baseKeys, lossWeightKeys, resolveBase, resolveLossWeights, type LossWeightOptions, type RouterBaseOptions, type ScoreOutput } from '../router.js';
import { TokenChoiceSelection, tokenChoiceRuleKeys, type TokenChoiceRuleOptions } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of xmoe. */
export interface XMoEOptions extends RouterBaseOptions, LossWeightOptions, TokenChoiceRuleOptions {
  /** Routing dimension r. Default 8. */
  routingDim?: number;
  /** L2-normalise the projected input (cosine scores). Default false. */
  normalizeInput?: boolean;
  /** τ, or its initial value when learned. Default 1. */
  temperature?: number;
  /** Learn τ. Default false. */
  learnTemperature?: boolean;
}

/** A matrix [rows, cols] with orthonormal rows (rows ≤ cols) or columns (rows > cols), times `gain` (PyTorch's orthogonal_; Gram–Schmidt at initialisation). */
export function orthogonalInit(rows: number, cols: number, gain: number, rng: Rng = getRng()): Float32Array {
  const long = Math.max(rows, cols);
  const short = Math.min(rows, cols);
  // `short` vectors of length `long`, orthonormalised in turn.
  const basis: Float64Array[] = [];
  while (basis.length < short) {
    const v = Float64Array.from({ length: long }, () => rng.normal());
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < long; i++) dot += v[i] * b[i];
      for (let i = 0; i < long; i++) v[i] -= dot * b[i];
    }
    let norm = 0;
    for (let i = 0; i < long; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue;
    for (let i = 0; i < long; i++) v[i] /= norm;
    basis.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? basis[c][r] : basis[r][c]);
  }
  return out;
}

/** Rows of `m` divided by their L2 norm. */
function normalizeRows(m: Tensor): Tensor {
  return mul(m, rsqrt(add(sum(square(m), -1, true), 1e-12)));
}

/** X-MoE's scorer: projection to r dimensions, scores against normalised expert embeddings. */
export class XMoEScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  /** [dim, routingDim] */
  projection: Tensor;
  /** [experts, routingDim] */
  expertEmbeddings: Tensor;
  /** [], when learnTemperature. */
  temperature: Tensor | undefined;
  readonly fixedTemperature: number;
  readonly normalizeInput: boolean;

  constructor(options: XMoEOptions) {
    super();
    const where = 'xmoe';
    const { experts, dim, rng } = resolveBase(where, options);
    this.experts = experts;
    this.dim = dim;
    const routingDim = checkInteger(where, 'routingDim', orDefault<unknown>(options.routingDim, 8), 1);
    this.projection = init.xavier([dim, routingDim], { rng });
    this.expertEmbeddings = parameter(tensor(orthogonalInit(experts, routingDim, 0.32, rng), [experts, routingDim]));
    this.normalizeInput = checkBoolean(where, 'normalizeInput', orDefault<unknown>(options.normalizeInput, false));
    this.fixedTemperature = checkNumber(where, 'temperature', orDefault<unknown>(options.temperature, 1), 0, Infinity, { min: true });
    this.temperature = checkBoolean(where, 'learnTemperature', orDefault<unknown>(options.learnTemperature, false)) ? parameter(scalar(this.fixedTemperature)) : undefined;
  }

  score(x: Tensor): ScoreOutput {
    this.checkInput('xmoe', x);
    // [tokens, routingDim]
    let z = matmul(x, this.projection);
    if (this.normalizeInput) z = normalizeRows(z);
    // [tokens, experts]
    const s = matmul(z, normalizeRows(this.expertEmbeddings), { transposeB: true });
    return { scores: div(s, this.temperature ?? this.fixedTemperature) };
  }
}

const keys = [...baseKeys, ...lossWeightKeys, ...tokenChoiceRuleKeys, 'routingDim', 'normalizeInput', 'temperature', 'learnTemperature'];

/** X-MoE: low-dimensional normalised routing with token-choice selection. */
export class XMoERouter extends ScoredRouter {
  constructor(options: XMoEOptions) {
    const where = 'xmoe';
    checkKeys(where, options, keys);
    const scorer = new XMoEScorer(options);
    const selection = new TokenChoiceSelection({ topK: 2, weighting: 'softmaxTopK', ...pick(options, tokenChoiceRuleKeys) }, scorer.experts, where);
    super({ strategy: where, scorer, selection, lossWeights: resolveLossWeights(where, options, { balance: 0.01, z: 0, importance: 0 }) });
  }
}

/** An xmoe configuration. */
export function xmoe(options: WithoutShape<XMoEOptions> = {}): RouterConfig {
  return { strategy: 'xmoe', ...options };
}
