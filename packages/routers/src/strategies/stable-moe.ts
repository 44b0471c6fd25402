/**
 * stableMoE — two-stage routing against routing fluctuation ("StableMoE: Stable Routing
 * Strategy for Mixture of Experts", Dai et al. 2022).
 *
 * Stage 1 (learn the routing, distil it):
 *   s_ij = cos(x_i, e_j)          e_j ∈ R^d expert centroids (cosine: false → x_i·e_j)
 *   a_i = argmax_j s_ij;  w_i = σ(s_{i,a_i})                top-1, sigmoid gate
 *   L_bal = (1/T)·Σ_j ((|A_j| − n̄)/n̄)·Σ_{i∈A_j} σ(s_ij)      (StableMoE's balance loss)
 *   L_distil = cross-entropy(D(x_i)·ê_j, a_i)   a light distilled router D with its own
 *              embeddings ê: a token embedding (when `vocab` is set; ids from
 *              context.tokenIds), else a linear map of sg[x] to distilDim
 * Stage 2 (freeze it):
 *   a_i = argmax_j D(x_i)·ê_j with D and ê frozen (no gradient reaches them);
 *   w_i = σ(s_{i,a_i}), still trained; no balance or distillation loss.
 *
 * The switch to stage 2 happens at step stage1Steps (or stage1Fraction·totalSteps) when the
 * context carries the step, or by calling freeze(). Only the token-embedding distilled router
 * makes assignments fully stable (a linear one still moves with its inputs).
 * (The authors' code implements only the stage-1 scoring; both stages are here.)
 *
 * Defaults: cosine true, distilDim 50, vocab none (linear distilled router), stage1Fraction
 * 0.1, balanceLossWeight 0.01, distillationLossWeight 1, zLossWeight 0.
 */
import { Rng, crossEntropy, init, matmul, sigmoid, tensor, topk, embedding, add, mul, rsqrt, square, sum, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { stableBalanceLoss } from '../losses.js';
import { checkBoolean, checkKeys, orDefault, checkInteger, lossWeight, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { ScoredRouter, Scorer, baseKeys, resolveBase, resolveLossWeights, type LossWeightOptions, type RouterBaseOptions, type ScoreOutput } from '../router.js';
import { TokenChoiceSelection } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of stableMoE. */
export interface StableMoEOptions extends RouterBaseOptions, Omit<LossWeightOptions, 'importanceLossWeight'> {
  /** Cosine scores (else dot products). Default true. */
  cosine?: boolean;
  /** Dimension of the distilled router. Default 50. */
  distilDim?: number;
  /** Vocabulary size: the distilled router is a token embedding over context.tokenIds. Default: none (linear). */
  vocab?: number;
  /** Stage-1 length in steps (overrides stage1Fraction). */
  stage1Steps?: number;
  /** Stage-1 length as a fraction of context.totalSteps. Default 0.1. */
  stage1Fraction?: number;
  /** Start in this stage. Default 1. */
  stage?: 1 | 2;
  /** Coefficient of the distillation loss. Default 1. */
  distillationLossWeight?: number;
}

function normalizeRows(m: Tensor): Tensor {
  return mul(m, rsqrt(add(sum(square(m), -1, true), 1e-12)));
}

/** Stage-1 scores against expert centroids. */
export class CentroidScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  /** [experts, dim] */
  centroids: Tensor;
  readonly cosine: boolean;

  constructor(options: StableMoEOptions) {
    super();
    const { experts, dim, rng } = resolveBase('stableMoE', options);
    this.experts = experts;
    this.dim = dim;
    this.centroids = init.normal([experts, dim], 1 / Math.sqrt(dim), { rng });
    this.cosine = checkBoolean('stableMoE', 'cosine', orDefault<unknown>(options.cosine, true));
  }

  score(x: Tensor): ScoreOutput {
    this.checkInput('stableMoE', x);
    const scores = this.cosine ? matmul(normalizeRows(x), normalizeRows(this.centroids), { transposeB: true }) : matmul(x, this.centroids, { transposeB: true });
    return { scores };
  }
}

/** The light router stage 1 distils into and stage 2 routes by. */
export class DistilledRouter extends Scorer {
  readonly experts: number;
  readonly dim: number;
  /** [vocab, distilDim] (token embedding) or [dim, distilDim] (linear). */
  weight: Tensor;
  /** [experts, distilDim] */
  expertEmbeddings: Tensor;
  readonly vocab: number | undefined;

  constructor(options: StableMoEOptions, experts: number, dim: number, rng?: Rng) {
    super();
    const where = 'stableMoE';
    this.experts = experts;
    this.dim = dim;
    const distilDim = checkInteger(where, 'distilDim', orDefault<unknown>(options.distilDim, 50), 1);
    this.vocab = options.vocab === undefined ? undefined : checkInteger(where, 'vocab', options.vocab, 1);
    this.weight = init.normal([this.vocab ?? dim, distilDim], this.vocab ? 1 : 1 / Math.sqrt(dim), { rng });
    this.expertEmbeddings = init.normal([experts, distilDim], 1 / Math.sqrt(distilDim), { rng });
  }

  /** [tokens, experts] distilled scores; `frozen` cuts the gradient to D and ê. */
  score(x: Tensor, context: RouteContext, frozen = false): ScoreOutput {
    const weight = frozen ? this.weight.detach() : this.weight;
    const embeddings = frozen ? this.expertEmbeddings.detach() : this.expertEmbeddings;
    let features: Tensor;
    if (this.vocab !== undefined) {
      const ids = context.tokenIds;
      if (!ids || ids.length !== x.shape[0]) throw new Error(`stableMoE: the token-embedding distilled router needs context.tokenIds for the ${x.shape[0]} tokens`);
      for (const id of ids) if (id < 0 || id >= this.vocab) throw new Error(`stableMoE: token id ${id} is outside the vocabulary of ${this.vocab}`);
      features = embedding(weight, tensor(ids));
    } else {
      features = matmul(x.detach(), weight);
    }
    return { scores: matmul(features, embeddings, { transposeB: true }) };
  }
}

const keys = [...baseKeys, 'balanceLossWeight', 'zLossWeight', 'cosine', 'distilDim', 'vocab', 'stage1Steps', 'stage1Fraction', 'stage', 'distillationLossWeight'];

/** StableMoE: stage-1 routing with distillation, stage-2 frozen distilled routing. */
export class StableMoERouter extends ScoredRouter {
  declare scorer: CentroidScorer;
  distilled: DistilledRouter;
  /** The current stage (state). */
  stage: 1 | 2;
  readonly stage1Steps: number | undefined;
  readonly stage1Fraction: number;
  readonly distillationWeight: number;
  readonly balanceWeight: number;

  constructor(options: StableMoEOptions) {
    const where = 'stableMoE';
    checkKeys(where, options, keys);
    const scorer = new CentroidScorer(options);
    const selection = new TokenChoiceSelection({ topK: 1, weighting: 'sigmoid', renormalize: false }, scorer.experts, where);
    const weights = resolveLossWeights(where, options, { balance: 0.01, z: 0, importance: 0 });
    // The balance loss is StableMoE's own, not Switch's: kept aside from the generic ones.
    super({ strategy: where, scorer, selection, lossWeights: { ...weights, balance: 0 } });
    this.balanceWeight = weights.balance;
    this.distilled = new DistilledRouter(options, scorer.experts, scorer.dim, options.seed === undefined ? undefined : new Rng(options.seed + 1));
    this.stage = checkInteger(where, 'stage', orDefault<unknown>(options.stage, 1), 1, 2) as 1 | 2;
    this.stage1Steps = options.stage1Steps === undefined ? undefined : checkInteger(where, 'stage1Steps', options.stage1Steps, 0);
    this.stage1Fraction = checkNumber(where, 'stage1Fraction', orDefault<unknown>(options.stage1Fraction, 0.1), 0, 1);
    this.distillationWeight = lossWeight(where, 'distillationLossWeight', orDefault(options.distillationLossWeight, 1));
  }

  /** Ends stage 1: from now on the frozen distilled router assigns experts. */
  freeze(): void {
    this.stage = 2;
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    if (this.stage === 1 && context.training && context.step !== undefined) {
      const end = this.stage1Steps ?? (context.totalSteps !== undefined ? Math.round(this.stage1Fraction * context.totalSteps) : undefined);
      if (end !== undefined && context.step >= end) this.freeze();
    }
    const scored = this.scorer.score(x);
    const gates = sigmoid(scored.scores);
    if (this.stage === 2) {
      const tokens = x.shape[0];
      const experts = this.experts;
      const assigned = (await topk(this.distilled.score(x, context, true).scores, 1).indices.data()) as Int32Array;
      const position = new Int32Array(tokens);
      for (let t = 0; t < tokens; t++) position[t] = t * experts + assigned[t];
      const plan = await buildPlan({ tokens, experts, token: Int32Array.from({ length: tokens }, (_, t) => t), expert: assigned, weights: gates, position, probabilities: gates, stats: { stage: 2 } });
      return this.finish(plan, scored);
    }
    const plan = await this.selection.select(scored.scores, context);
    const extra: Record<string, { loss: Tensor; weight: number }> = {
      balance: { loss: stableBalanceLoss(gates, plan.tokenIndex, plan.expertIndex, plan.counts), weight: this.balanceWeight },
    };
    if (context.training) {
      // Targets: each token's stage-1 expert, in token order.
      const target = new Int32Array(plan.tokens);
      plan.tokenIndex.forEach((t, p) => (target[t] = plan.expertIndex[p]));
      extra.distillation = { loss: crossEntropy(this.distilled.score(x, context).scores, tensor(target)), weight: this.distillationWeight };
    }
    plan.stats.stage = 1;
    return this.finish(plan, scored, extra);
  }

  override async routerState(): Promise<Record<string, Float32Array>> {
    return { stage: Float32Array.of(this.stage) };
  }

  override loadRouterState(state: Record<string, Float32Array>): void {
    const stage = state.stage?.[0];
    if (stage !== 1 && stage !== 2) throw new Error(`stableMoE: loadRouterState needs 'stage' = 1 or 2, got ${stage}`);
    this.stage = stage;
  }
}

/** A stableMoE configuration. */
export function stableMoE(options: WithoutShape<StableMoEOptions> = {}): RouterConfig {
  return { strategy: 'stableMoE', ...options };
}
