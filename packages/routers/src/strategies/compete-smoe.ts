/**
 * competeSMoE — CompeteSMoE ("CompeteSMoE: Effective Training of Sparse Mixture of Experts via
 * Competition", Pham, Do et al. 2024): now and then every expert runs and the experts with
 * the strongest responses win the token; the router is trained to imitate that competition.
 *
 *   with probability p (training, when the layer supplies context.expertOutputNorms):
 *     c_ij = ‖E_j(x_i)‖;  idx_i = top-k_j c_ij;  w = softmax over the k selected c_ij
 *     L_imitation = MSE(softmax(S_i), sg[softmax(c_i masked to its top k)])
 *   otherwise: route by the router, S = x·W_g, top-k, softmax over the selected S_ij
 *   aux loss = α·L_imitation (α = 5) + 0.01·balance
 *
 * The competition's weights carry whatever gradient the supplied norms carry (to the experts).
 * Defaults: topK 2, competitionProbability 0.1 (our default; the paper schedules it),
 * imitationLossWeight 5, balanceLossWeight 0.01, zLossWeight 0, W_g ~ N(0, 0.1/d).
 */
import { mean, softmax, square, sub, tensor, where, type Tensor, getRng } from '@smoe/tensor';
import { checkKeys, orDefault, checkInteger, lossWeight, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { LinearScorer, ScoredRouter, baseKeys, linearGateKeys, lossWeightKeys, resolveLossWeights, type LinearGateOptions, type LossWeightOptions, type RouterBaseOptions } from '../router.js';
import { TokenChoiceSelection, tokenChoiceSelect } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of competeSMoE. */
export interface CompeteSMoEOptions extends RouterBaseOptions, LinearGateOptions, LossWeightOptions {
  /** Experts per token. Default 2. */
  topK?: number;
  /** Probability p of a competition step in training. Default 0.1. */
  competitionProbability?: number;
  /** α of the imitation loss. Default 5. */
  imitationLossWeight?: number;
}

/**
 * The imitation loss MSE(softmax(S), sg[softmax(c masked to the selected pairs)]).
 * `scores`, `competition`: [tokens, experts]; `selected`: [tokens, experts] 1 for the winners.
 */
export function imitationLoss(scores: Tensor, competition: Tensor, selected: Tensor): Tensor {
  const target = softmax(where(selected, competition.detach(), -1e9)).detach();
  return mean(square(sub(softmax(scores), target)));
}

const keys = [...baseKeys, ...linearGateKeys, ...lossWeightKeys, 'topK', 'competitionProbability', 'imitationLossWeight'];

/** CompeteSMoE: routing by competition with probability p, else by the router. */
export class CompeteSMoERouter extends ScoredRouter {
  readonly topK: number;
  readonly competitionProbability: number;
  readonly imitationWeight: number;

  constructor(options: CompeteSMoEOptions) {
    const where = 'competeSMoE';
    checkKeys(where, options, keys);
    const scorer = new LinearScorer(where, options);
    const topK = checkInteger(where, 'topK', orDefault<unknown>(options.topK, 2), 1, scorer.experts, 'the number of experts');
    super({
      strategy: where,
      scorer,
      selection: new TokenChoiceSelection({ topK, weighting: 'softmaxTopK' }, scorer.experts, where, { weightsTrainRouter: false }),
      lossWeights: resolveLossWeights(where, options, { balance: 0.01, z: 0, importance: 0 }),
    });
    this.topK = topK;
    this.competitionProbability = checkNumber(where, 'competitionProbability', orDefault<unknown>(options.competitionProbability, 0.1), 0, 1);
    this.imitationWeight = lossWeight(where, 'imitationLossWeight', orDefault(options.imitationLossWeight, 5));
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x, context);
    const compete = context.training && context.expertOutputNorms !== undefined && this.competitionProbability > 0 && (context.rng ?? getRng()).next() < this.competitionProbability;
    if (!compete) {
      const plan = await this.selection.select(scored.scores, context);
      plan.stats.competition = 0;
      return this.finish(plan, scored);
    }
    // [tokens, experts]: ‖E_j(x_i)‖ from the layer.
    const norms = context.expertOutputNorms!();
    if (norms.rank !== 2 || norms.shape[0] !== x.shape[0] || norms.shape[1] !== this.experts) {
      throw new Error(`competeSMoE: expertOutputNorms() must return [${x.shape[0]}, ${this.experts}], got ${norms}`);
    }
    const plan = await tokenChoiceSelect(norms, { topK: this.topK, weighting: 'softmaxTopK' });
    const mask = new Float32Array(plan.tokens * this.experts);
    plan.tokenIndex.forEach((t, p) => (mask[t * this.experts + plan.expertIndex[p]] = 1));
    plan.probabilities = softmax(scored.scores);
    plan.stats.competition = 1;
    return this.finish(plan, scored, { imitation: { loss: imitationLoss(scored.scores, norms, tensor(mask, [plan.tokens, this.experts])), weight: this.imitationWeight } });
  }
}

/** A competeSMoE configuration. */
export function competeSMoE(options: WithoutShape<CompeteSMoEOptions> = {}): RouterConfig {
  return { strategy: 'competeSMoE', ...options };
}
