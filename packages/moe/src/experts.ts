/**
 * Experts: E feed-forward networks held as stacked weights, run on routed rows with grouped
 * matrix products (as MegaBlocks' grouped GEMM, Gale et al. 2023, "MegaBlocks: Efficient Sparse
 * Training with Mixture-of-Experts"):
 *   rows p = 1..P, each with its expert e_p:
 *   gelu:   h_p = GELU(x_p W1[e_p] + b1[e_p]);          y_p = h_p W2[e_p] + b2[e_p]
 *   swiglu: h_p = SiLU(x_p W1[e_p]) ⊙ (x_p W3[e_p]);    y_p = h_p W2[e_p]
 * Shapes: W1, W3 [experts, dim, expertDim], W2 [experts, expertDim, dim], b1 [experts, expertDim],
 * b2 [experts, dim]. The work is P·dim·expertDim whatever the number of experts is: compute
 * follows the rows each expert receives. There is no per-token or per-expert loop.
 * `dispatch` runs a whole routing plan: gather rows → experts → scale by weight → scatter-add.
 * Defaults: activation 'gelu'; each expert's matrices Xavier-normal, biases zero.
 */
import { Module, Rng, groupedMatmul, indexAdd, indexSelect, init, tensor, zeros, type Tensor } from '@smoe/tensor';
import type { RoutingPlan } from '@smoe/routers';
import { activations, type Activation, type FeedForward } from './feed_forward.js';
import { checkInteger, checkOneOf, invalid } from './validate.js';

/** Options of `Experts`. */
export interface ExpertsOptions {
  /** Number of experts. */
  experts: number;
  /** Model width. */
  dim: number;
  /** Hidden width of each expert's FFN (its d_ff). */
  expertDim: number;
  /** 'gelu' (default) or 'swiglu'. */
  activation?: Activation;
  /** Generator for the initial weights (a fresh `Rng(0)` when absent). */
  rng?: Rng;
}

/** Marks a stacked bias [experts, width] as a bias: rank 2, yet no weight decay. */
function asBias(t: Tensor): Tensor {
  t.role = 'bias';
  return t;
}

export class Experts extends Module {
  readonly experts: number;
  readonly dim: number;
  readonly expertDim: number;
  readonly activation: Activation;
  /** [experts, dim, expertDim]. */
  w1: Tensor;
  /** [experts, expertDim] (gelu only). */
  b1: Tensor | null;
  /** [experts, dim, expertDim] (swiglu only). */
  w3: Tensor | null;
  /** [experts, expertDim, dim]. */
  w2: Tensor;
  /** [experts, dim] (gelu only). */
  b2: Tensor | null;

  constructor(options: ExpertsOptions) {
    super();
    const where = 'Experts';
    this.experts = checkInteger(where, 'experts', options.experts, 1);
    this.dim = checkInteger(where, 'dim', options.dim, 1);
    this.expertDim = checkInteger(where, 'expertDim', options.expertDim, 1);
    this.activation = checkOneOf(where, 'activation', options.activation ?? 'gelu', activations);
    const rng = options.rng ?? new Rng(0);
    const glu = this.activation === 'swiglu';
    const { experts, dim, expertDim } = this;
    this.w1 = init.xavier([experts, dim, expertDim], { rng });
    this.w3 = glu ? init.xavier([experts, dim, expertDim], { rng }) : null;
    this.w2 = init.xavier([experts, expertDim, dim], { rng });
    this.b1 = glu ? null : asBias(init.zeros([experts, expertDim]));
    this.b2 = glu ? null : asBias(init.zeros([experts, dim]));
  }

  /** Runs each row of `rows` [P, dim] through its expert `expert` (int32 [P]) → [P, dim]. */
  forward(rows: Tensor, expert: Tensor): Tensor {
    if (this.activation === 'swiglu') {
      const gate = groupedMatmul(rows, this.w1, expert).silu();
      const linear = groupedMatmul(rows, this.w3 as Tensor, expert);
      return groupedMatmul(gate.mul(linear), this.w2, expert);
    }
    const h = groupedMatmul(rows, this.w1, expert).add(indexSelect(this.b1 as Tensor, 0, expert)).gelu();
    return groupedMatmul(h, this.w2, expert).add(indexSelect(this.b2 as Tensor, 0, expert));
  }

  /**
   * Runs a routing plan over x [tokens, dim]: y_t = Σ_{(t, e, w) in plan} w · E_e(x_t) → [tokens, dim].
   * `rows` replaces x as the experts' input when given ([tokens, dim], e.g. VQMoE's LN(q̃)).
   */
  dispatch(x: Tensor, plan: RoutingPlan, rows?: Tensor): Tensor {
    const input = rows ?? x;
    if (plan.token.size === 0) return zeros([plan.tokens, this.dim]);
    const selected = indexSelect(input, 0, plan.token); // [pairs, dim]
    const out = this.forward(selected, plan.expert).mul(plan.weight.reshape([plan.token.size, 1]));
    return indexAdd(zeros([plan.tokens, this.dim]), 0, plan.token, out);
  }

  /** Every expert on every token: [experts, tokens, dim] (CompeteSMoE's competition, analysis). */
  all(x: Tensor): Tensor {
    const tokens = x.shape[0];
    const expert = new Int32Array(this.experts * tokens);
    const token = new Int32Array(this.experts * tokens);
    for (let e = 0; e < this.experts; e++) {
      for (let t = 0; t < tokens; t++) {
        expert[e * tokens + t] = e;
        token[e * tokens + t] = t;
      }
    }
    const rows = indexSelect(x, 0, tensor(token, [token.length], { dtype: 'int32' }));
    return this.forward(rows, tensor(expert, [expert.length], { dtype: 'int32' })).reshape([this.experts, tokens, this.dim]);
  }

  /** Copies a dense FFN's weights into expert `index` (a dense checkpoint upcycled into experts). */
  async loadExpert(index: number, ffn: FeedForward): Promise<void> {
    if (ffn.dim !== this.dim || ffn.ffDim !== this.expertDim || ffn.activation !== this.activation) {
      invalid('Experts.loadExpert', 'ffn', `${ffn.activation} ${ffn.dim}→${ffn.ffDim}`, `a ${this.activation} FFN ${this.dim}→${this.expertDim}`);
    }
    checkInteger('Experts.loadExpert', 'index', index, 0, this.experts - 1);
    const pairs: Array<[Tensor | null, Tensor | null]> = [
      [this.w1, ffn.w1],
      [this.w3, ffn.w3],
      [this.w2, ffn.w2],
      [this.b1, ffn.b1],
      [this.b2, ffn.b2],
    ];
    for (const [stacked, single] of pairs) {
      if (!stacked || !single) continue;
      const values = (await stacked.data()) as Float32Array;
      values.set((await single.data()) as Float32Array, index * single.size);
      stacked.assign(values);
    }
  }
}
