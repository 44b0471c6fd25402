/**
 * dselectK — DSelect-k, differentiable selection of k experts by binary encoding ("DSelect-k:
 * Differentiable Selection in the Mixture of Experts with Applications to Multi-Task
 * Learning", Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen, Mazumder, Hong and Chi, 2021), the
 * per-example gate.
 *
 *   N = 2^m experts; k selectors, each with m logits z⁽ⁱ⁾ = x·W_zⁱ and a weight logit αᵢ = x·W_αⁱ
 *   smooth-step S(t) = 0 (t ≤ −γ/2),  1 (t ≥ γ/2),  −2t³/γ³ + 3t/(2γ) + 1/2 otherwise
 *   selector i:  r⁽ⁱ⁾_j = Π_{l=1..m} (S(z⁽ⁱ⁾_l) if bit l of j is 1, else 1 − S(z⁽ⁱ⁾_l))   (Σ_j r_j = 1)
 *   gate:        q = Σ_i softmax(α)_i · r⁽ⁱ⁾            [tokens, experts]; route to every q_j > 0
 *   regulariser: λ · mean over tokens of Σ_i H(r⁽ⁱ⁾),  H(r) = −Σ_j r_j log r_j
 *
 * S reaches exactly 0 and 1, so once every |z| ≥ γ/2 each selector is one-hot and a token uses
 * at most k experts (exactly k when the selectors pick different ones); the entropy regulariser
 * drives the selectors there. Before that a token may use many experts (the work follows the
 * non-zero gates). Every token reads only its own scores: causal in a causal LM.
 *
 * Defaults: topK (selectors) 2, gamma 1, entropyLossWeight 0.01 (the paper tunes λ), W_z and W_α
 * ~ N(0, 0.1/d). The number of experts must be a power of two.
 */
import { Module, add, greaterEqual, init, log, matmul, maximum, mean, minimum, mul, neg, reshape, slice, softmax, sub, sum, tensor, where, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { RouterConfigError, checkKeys, orDefault, checkInteger, lossWeight, checkNumber } from '../options.js';
import type { RouteContext, Router, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { attachLosses, resolveBase, type RouterBaseOptions } from '../router.js';
import type { WithoutShape } from './token-choice.js';

/** Options of dselectK. */
export interface DSelectKOptions extends RouterBaseOptions {
  /** Number of selectors k (most experts per token once converged). Default 2. */
  topK?: number;
  /** Width γ of the smooth-step's transition. Default 1. */
  gamma?: number;
  /** λ of the selectors' entropy regulariser. Default 0.01. */
  entropyLossWeight?: number;
  /** Standard deviation of W_z and W_α. Default √(0.1/d). */
  initStd?: number;
}

const keys = ['experts', 'dim', 'seed', 'topK', 'gamma', 'entropyLossWeight', 'initStd'];

/** The cubic smooth-step S(t) of width γ: exactly 0 below −γ/2 and exactly 1 above γ/2. */
export function smoothStep(t: Tensor, gamma: number): Tensor {
  const c = minimum(maximum(t, -gamma / 2), gamma / 2);
  const cubic = add(add(mul(mul(mul(c, c), c), -2 / gamma ** 3), mul(c, 3 / (2 * gamma))), 0.5);
  return where(greaterEqual(t, gamma / 2), 1, where(greaterEqual(-gamma / 2, t), 0, cubic));
}

/** The selectors' distributions r: [tokens, k, 2^m] from their smooth-step values s: [tokens, k, m]. */
export function selectorDistributions(s: Tensor): Tensor {
  const [tokens, k, m] = s.shape;
  const experts = 2 ** m;
  let r: Tensor | null = null;
  for (let l = 0; l < m; l++) {
    const bit = tensor(Float32Array.from({ length: experts }, (_, j) => (j >> l) & 1), [experts]);
    const sl = slice(s, 2, l, 1); // [tokens, k, 1]
    const factor = add(mul(sl, bit), mul(sub(1, sl), sub(1, bit))); // [tokens, k, experts]
    r = r ? mul(r, factor) : factor;
  }
  return r ?? tensor(new Float32Array(tokens * k).fill(1), [tokens, k, 1]);
}

/** The DSelect-k gate. */
export class DSelectKRouter extends Module implements Router {
  readonly strategy = 'dselectK';
  readonly experts: number;
  readonly dim: number;
  readonly topK: number;
  readonly gamma: number;
  readonly entropyWeight: number;
  /** [dim, k·m]: the selectors' logits. */
  selectorWeight: Tensor;
  /** [dim, k]: the selectors' weight logits α. */
  weightLogits: Tensor;

  constructor(options: DSelectKOptions) {
    super();
    const where = 'dselectK';
    checkKeys(where, options, keys);
    const { experts, dim, rng } = resolveBase(where, options);
    if (!Number.isInteger(Math.log2(experts))) throw new RouterConfigError(where, 'experts', experts, 'a power of two (the binary encoding addresses 2^m experts)');
    this.experts = experts;
    this.dim = dim;
    this.topK = checkInteger(where, 'topK', orDefault<unknown>(options.topK, Math.min(2, experts)), 1, experts, 'the number of experts');
    this.gamma = checkNumber(where, 'gamma', orDefault<unknown>(options.gamma, 1), 0, Infinity, { min: true });
    this.entropyWeight = lossWeight(where, 'entropyLossWeight', orDefault(options.entropyLossWeight, 0.01));
    const std = checkNumber(where, 'initStd', orDefault<unknown>(options.initStd, Math.sqrt(0.1 / dim)), 0, Infinity);
    const bits = Math.log2(experts);
    this.selectorWeight = init.normal([dim, this.topK * bits], std, { rng });
    this.weightLogits = init.normal([dim, this.topK], std, { rng });
  }

  /** The gate q: [tokens, experts] and the selectors' distributions r: [tokens, k, experts] for x: [tokens, dim]. */
  gate(x: Tensor): { gate: Tensor; selectors: Tensor } {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw new Error(`dselectK: expected inputs x of shape [tokens, ${this.dim}], got ${x}`);
    const tokens = x.shape[0];
    const bits = Math.log2(this.experts);
    const z = reshape(matmul(x, this.selectorWeight), [tokens, this.topK, bits]);
    const selectors = selectorDistributions(smoothStep(z, this.gamma));
    const alpha = reshape(softmax(matmul(x, this.weightLogits)), [tokens, this.topK, 1]);
    return { gate: sum(mul(alpha, selectors), 1), selectors };
  }

  async route(x: Tensor, _context: RouteContext): Promise<RoutingPlan> {
    const { gate, selectors } = this.gate(x);
    const [tokens, experts] = gate.shape;
    const q = await gate.data();
    const token: number[] = [];
    const expert: number[] = [];
    const position: number[] = [];
    for (let t = 0; t < tokens; t++) {
      for (let e = 0; e < experts; e++) {
        if (q[t * experts + e] > 0) {
          token.push(t);
          expert.push(e);
          position.push(t * experts + e);
        }
      }
    }
    const plan = await buildPlan({ tokens, experts, token: Int32Array.from(token), expert: Int32Array.from(expert), weights: gate, position: Int32Array.from(position), probabilities: gate, stats: { selectors: this.topK } });
    // Σ_i H(r⁽ⁱ⁾) per token, averaged over tokens.
    const entropy = neg(mean(sum(mul(selectors, log(maximum(selectors, 1e-12))), [1, 2])));
    return attachLosses(plan, { selectorEntropy: { loss: entropy, weight: this.entropyWeight } });
  }
}

/** A dselectK configuration. */
export function dselectK(options: WithoutShape<DSelectKOptions> = {}): RouterConfig {
  return { strategy: 'dselectK', ...options };
}
