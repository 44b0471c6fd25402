/**
 * remoe — ReMoE, ReLU routing with adaptive L1 control of the sparsity ("ReMoE: Fully
 * Differentiable Mixture-of-Experts with ReLU Routing", Wang, Chen, Zhu et al. 2024).
 *
 *   R = ReLU(x·W_r)                   [tokens, experts]; a token uses every expert with R_te > 0
 *   y_t = Σ_e R_te · E_e(x_t)          no top-k, no softmax: the number of experts per token varies
 *   L_reg = Σ_e f_e · mean_t R_te,  f_e = N/(k·T) · |{t : R_te > 0}|   (the load-balanced L1;
 *           f_e = 1 for the plain L1)
 *   after each training step, with the sparsity s = fraction of zero gates:
 *           λ ← λ · α^{sign((1 − k/N) − s)}
 *   so λ grows while tokens use more than k experts on average and shrinks while they use fewer:
 *   the average experts per token is driven to the target k.
 *
 * λ is state (saved through routerState), updated at the end of every training `route` call.
 * Every token reads only its own scores: causal in a causal LM. Defaults: topK (target k) 2,
 * initialL1Weight λ₀ 1e-8, l1Growth α 1.2, balancedL1 true, W_r ~ N(0, 0.1/d).
 */
import { mean, mul, relu, sum, tensor, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { checkBoolean, checkKeys, orDefault, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, type LinearGateOptions, type RouterBaseOptions } from '../router.js';
import type { SelectionRule } from '../selection/rule.js';
import type { WithoutShape } from './token-choice.js';

/** Options of remoe. */
export interface ReMoEOptions extends RouterBaseOptions, LinearGateOptions {
  /** Target average experts per token k, in (0, experts]. Default 2. */
  topK?: number;
  /** λ₀, the L1 coefficient at the start. Default 1e-8. */
  initialL1Weight?: number;
  /** α > 1, the factor λ moves by after each training step. Default 1.2. */
  l1Growth?: number;
  /** Weight each expert's L1 by its load f_e (the paper's load-balanced form). Default true. */
  balancedL1?: boolean;
}

const keys = [...baseKeys, ...linearGateKeys, 'topK', 'initialL1Weight', 'l1Growth', 'balancedL1'];

/** ReLU routing: every expert with a positive gate, weight = the gate. */
export async function reluSelect(scores: Tensor): Promise<RoutingPlan> {
  const gates = relu(scores);
  const [tokens, experts] = gates.shape;
  const values = await gates.data();
  const token: number[] = [];
  const expert: number[] = [];
  const position: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] > 0) {
      token.push(Math.floor(i / experts));
      expert.push(i % experts);
      position.push(i);
    }
  }
  return buildPlan({ tokens, experts, token: Int32Array.from(token), expert: Int32Array.from(expert), weights: gates, position: Int32Array.from(position), probabilities: gates });
}

/** The ReLU rule (no options). */
export class ReluSelection implements SelectionRule {
  readonly name = 'relu';
  readonly options = Object.freeze({});

  constructor(readonly experts: number) {}

  select(scores: Tensor, _context: RouteContext): Promise<RoutingPlan> {
    return reluSelect(scores);
  }
}

/** A linear gate with ReLU routing and an adaptive L1 penalty. */
export class ReMoERouter extends ScoredRouter {
  readonly topK: number;
  readonly l1Growth: number;
  readonly balancedL1: boolean;
  /** λ, the current L1 coefficient (state, not a parameter). */
  l1Weight: number;

  constructor(options: ReMoEOptions) {
    const where = 'remoe';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    super({ strategy: where, scorer, selection: new ReluSelection(scorer.experts), lossWeights: { balance: 0, z: 0, importance: 0 } });
    this.topK = checkNumber(where, 'topK', orDefault<unknown>(options.topK, Math.min(2, scorer.experts)), 0, scorer.experts, { min: true }, 'target experts per token');
    this.l1Weight = checkNumber(where, 'initialL1Weight', orDefault<unknown>(options.initialL1Weight, 1e-8), 0, Infinity, { min: true });
    this.l1Growth = checkNumber(where, 'l1Growth', orDefault<unknown>(options.l1Growth, 1.2), 1, Infinity, { min: true });
    this.balancedL1 = checkBoolean(where, 'balancedL1', orDefault<unknown>(options.balancedL1, true));
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const plan = await this.selection.select(scored.scores, context);
    const { tokens, experts, counts } = plan;
    const load = Float32Array.from(counts, (n) => (this.balancedL1 ? (experts * n) / (this.topK * tokens) : 1));
    const l1 = sum(mul(mean(plan.probabilities as Tensor, 0), tensor(load)));
    const weight = this.l1Weight;
    if (context.training) this.updateL1Weight(plan);
    return this.finish(plan, scored, { l1: { loss: l1, weight } });
  }

  /** λ ← λ·α^{sign((1 − k/N) − sparsity)}, from the plan's active pairs. */
  updateL1Weight(plan: RoutingPlan): void {
    const sparsity = 1 - plan.tokenIndex.length / (plan.tokens * plan.experts);
    this.l1Weight *= this.l1Growth ** Math.sign(1 - this.topK / plan.experts - sparsity);
  }

  /** λ, beside the selection rule's state (none for the ReLU rule). */
  override async routerState(): Promise<Record<string, Float32Array>> {
    return { ...(await super.routerState()), l1Weight: Float32Array.of(this.l1Weight) };
  }

  override loadRouterState(state: Record<string, Float32Array>): void {
    const { l1Weight, ...rest } = state;
    if (!l1Weight || l1Weight.length !== 1) throw new Error("remoe: loadRouterState needs 'l1Weight' with 1 value");
    this.l1Weight = l1Weight[0];
    super.loadRouterState(rest);
  }
}

/** A remoe configuration. */
export function remoe(options: WithoutShape<ReMoEOptions> = {}): RouterConfig {
  return { strategy: 'remoe', ...options };
}
