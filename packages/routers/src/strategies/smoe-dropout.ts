/**
 * smoeDropout — SMoE-Dropout ("Sparse MoE as the New Dropout: Scaling Dense and
 * Self-Slimmable Transformers", Chen et al. 2023): a random router that is never trained, and
 * a number of active experts that grows during training.
 *
 *   S = x·W_r                W_r ~ N(0, 0.1/d), fixed (state, not a parameter)
 *   k(step) = round((k_max − k_min) · step / T_total) + k_min      (training)
 *   k = evalTopK at evaluation (default k_max: the paper's "more experts, better" inference)
 *   top-k, softmax over the selected scores; no auxiliary loss
 *
 * Without step/totalSteps in the context, training uses k_min. The random map is saved and
 * restored through routerState() (it is not a parameter). Defaults: minTopK 1, maxTopK N,
 * evalTopK maxTopK.
 */
import { randn, matmul, tensor, type Tensor } from '@smoe/tensor';
import { checkKeys, orDefault, checkInteger, checkNumber } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { ScoredRouter, Scorer, baseKeys, resolveBase, type RouterBaseOptions, type ScoreOutput } from '../router.js';
import { TokenChoiceSelection } from '../selection/token-choice.js';
import type { WithoutShape } from './token-choice.js';

/** Options of smoeDropout. */
export interface SmoeDropoutOptions extends RouterBaseOptions {
  /** k at step 0. Default 1. */
  minTopK?: number;
  /** k at the last step. Default: all experts. */
  maxTopK?: number;
  /** k at evaluation. Default maxTopK. */
  evalTopK?: number;
  /** Standard deviation of the random map. Default √(0.1/d). */
  initStd?: number;
}

/** A fixed random linear map. */
export class RandomScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  /** [dim, experts], requiresGrad false: never trained. */
  weight: Tensor;

  constructor(options: SmoeDropoutOptions) {
    super();
    const { experts, dim, rng } = resolveBase('smoeDropout', options);
    this.experts = experts;
    this.dim = dim;
    const std = checkNumber('smoeDropout', 'initStd', orDefault<unknown>(options.initStd, Math.sqrt(0.1 / dim)), 0, Infinity, { min: true });
    this.weight = randn([dim, experts], std, { rng });
  }

  score(x: Tensor): ScoreOutput {
    this.checkInput('smoeDropout', x);
    return { scores: matmul(x, this.weight) };
  }
}

/** k(step) = round((kMax − kMin)·step/totalSteps) + kMin, clamped to [kMin, kMax]. */
export function smoeDropoutTopK(step: number, totalSteps: number, minTopK: number, maxTopK: number): number {
  if (!(totalSteps > 0)) return minTopK;
  const k = Math.round(((maxTopK - minTopK) * step) / totalSteps) + minTopK;
  return Math.min(maxTopK, Math.max(minTopK, k));
}

const keys = [...baseKeys, 'minTopK', 'maxTopK', 'evalTopK', 'initStd'];

/** A frozen random router with a growing k. */
export class SmoeDropoutRouter extends ScoredRouter {
  declare scorer: RandomScorer;
  declare selection: TokenChoiceSelection;
  readonly minTopK: number;
  readonly maxTopK: number;
  readonly evalTopK: number;

  constructor(options: SmoeDropoutOptions) {
    const where = 'smoeDropout';
    checkKeys(where, options, keys);
    const scorer = new RandomScorer(options);
    const experts = scorer.experts;
    const maxTopK = checkInteger(where, 'maxTopK', orDefault<unknown>(options.maxTopK, experts), 1, experts, 'the number of experts');
    const minTopK = checkInteger(where, 'minTopK', orDefault<unknown>(options.minTopK, 1), 1, maxTopK, 'maxTopK');
    const evalTopK = checkInteger(where, 'evalTopK', orDefault<unknown>(options.evalTopK, maxTopK), 1, experts, 'the number of experts');
    super({ strategy: where, scorer, selection: new TokenChoiceSelection({ topK: maxTopK, weighting: 'softmaxTopK' }, experts, where), lossWeights: { balance: 0, z: 0, importance: 0 } });
    this.minTopK = minTopK;
    this.maxTopK = maxTopK;
    this.evalTopK = evalTopK;
  }

  /** The k used for this context. */
  topKFor(context: RouteContext): number {
    if (!context.training) return this.evalTopK;
    if (context.step === undefined || context.totalSteps === undefined) return this.minTopK;
    return smoeDropoutTopK(context.step, context.totalSteps, this.minTopK, this.maxTopK);
  }

  override async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const scored = this.scorer.score(x);
    const plan = await this.selection.select(scored.scores, context, { topK: this.topKFor(context) });
    return this.finish(plan, scored);
  }

  override async routerState(): Promise<Record<string, Float32Array>> {
    return { weight: (await this.scorer.weight.data()) as Float32Array };
  }

  override loadRouterState(state: Record<string, Float32Array>): void {
    const w = state.weight;
    if (!w || w.length !== this.scorer.weight.size) throw new Error(`smoeDropout: loadRouterState needs 'weight' with ${this.scorer.weight.size} values`);
    this.scorer.weight = tensor(w, this.scorer.weight.shape);
  }
}

/** A smoeDropout configuration. */
export function smoeDropout(options: WithoutShape<SmoeDropoutOptions> = {}): RouterConfig {
  return { strategy: 'smoeDropout', ...options };
}
