/**
 * Fine-grained and shared experts — the DeepSeekMoE recipe ("DeepSeekMoE: Towards Ultimate
 * Expert Specialization in Mixture-of-Experts Language Models", Dai, Deng, Zhao et al. 2024),
 * with the gating of DeepSeek-V3 ("DeepSeek-V3 Technical Report", 2024): sigmoid scores and
 * the auxiliary-loss-free bias (@smoe/routers' `auxiliaryLossFree`).
 *
 * From a coarse MoE of N experts of width h with k experts per token, granularity m and s
 * shared experts give:
 *   N' = m·N experts of width h/m             (segmenting every expert into m)
 *   k' = m·k − s routed experts per token     (the shared ones are always active)
 *   s shared experts of width h/m
 * so a token runs (k' + s)·h/m = k·h hidden units, as in the coarse model: the same active
 * parameters (exactly for SwiGLU experts; GELU experts add (m − 1)·k·d output-bias values),
 * and (mN choose k') routing combinations instead of (N choose k).
 *
 * Defaults of `deepSeekMoE`: granularity 4, sharedExperts 1, router auxiliaryLossFree.
 */
import type { MoEConfig } from './backbone.js';
import type { MoELayer } from './moe_layer.js';
import type { RouterConfig } from './router_config.js';
import { checkInteger, invalid, orDefault } from './validate.js';

/** The coarse model and the DeepSeekMoE changes. */
export interface FineGrainedOptions {
  /** Experts of the coarse model (N). */
  experts: number;
  /** Hidden width of a coarse expert (h). */
  expertDim: number;
  /** Experts per token of the coarse model (k). */
  topK: number;
  /** m: each expert split into m experts of width h/m (m divides h). Default 4. */
  granularity?: number;
  /** s: always-active shared experts of width h/m, taken out of the m·k active ones. Default 1. */
  sharedExperts?: number;
  /** The router; `topK` is set to m·k − s. Default { strategy: 'auxiliaryLossFree' } (DeepSeek-V3). */
  router?: RouterConfig;
}

/** The fine-grained sizes of a coarse MoE: experts, expert width, routed k and shared experts. */
export function fineGrainedSizes(options: FineGrainedOptions): { experts: number; expertDim: number; topK: number; sharedExperts: number } {
  const where = 'deepSeekMoE';
  const experts = checkInteger(where, 'experts', options.experts, 1);
  const expertDim = checkInteger(where, 'expertDim', options.expertDim, 1);
  const topK = checkInteger(where, 'topK', options.topK, 1, experts);
  const granularity = checkInteger(where, 'granularity', orDefault(options.granularity, 4), 1);
  if (expertDim % granularity !== 0) invalid(where, 'granularity', granularity, `a divisor of expertDim (${expertDim}), so every fine expert is expertDim / granularity wide`);
  const sharedExperts = checkInteger(where, 'sharedExperts', orDefault(options.sharedExperts, 1), 0, granularity * topK - 1);
  return { experts: experts * granularity, expertDim: expertDim / granularity, topK: granularity * topK - sharedExperts, sharedExperts };
}

/** The `moe` section of a model config for DeepSeekMoE from the coarse model's sizes. */
export function deepSeekMoE(options: FineGrainedOptions): MoEConfig {
  const sizes = fineGrainedSizes(options);
  const router = options.router ?? { strategy: 'auxiliaryLossFree' };
  return { experts: sizes.experts, expertDim: sizes.expertDim, sharedExperts: sizes.sharedExperts, router: { ...router, topK: sizes.topK } };
}

/**
 * Expert parameters one token uses in `layer`'s last forward pass: the parameters of one routed
 * expert × the experts per token it measured, plus every shared expert's.
 */
export function activeExpertParameters(layer: MoELayer): number {
  if (!layer.lastStats) invalid('activeExpertParameters', 'layer.lastStats', null, 'a layer that has run a forward pass');
  const perExpert = layer.experts.parameterCount() / layer.experts.experts;
  return perExpert * layer.lastStats.expertsPerToken + (layer.shared?.parameterCount() ?? 0);
}
