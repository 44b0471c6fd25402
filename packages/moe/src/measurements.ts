/**
 * Model-level measurements of routing (docs/routing.md §7), over every MoE layer of a model:
 * - routing fluctuation between two checkpoints (StableMoE, Dai et al. 2022): run both models
 *   on the same batch and compare each layer's top-1 expert per token;
 * - representation collapse (X-MoE, Chi et al. 2022): the effective rank of each MoE layer's
 *   router inputs and the mean cosine similarity between its experts' outputs, after a forward.
 */
import { noGrad, slice } from '@smoe/tensor';
import { routingFluctuation, topExpert } from '@smoe/routers';
import type { Backbone } from './backbone.js';
import { effectiveRank, expertOutputSimilarity } from './statistics.js';

/** Anything with a backbone: LanguageModel, VisionTransformer (SequenceClassifier: pass `model.body`). */
export interface HasBackbone {
  body: Backbone;
  training: boolean;
  train(mode?: boolean): unknown;
}

async function topPerLayer(model: HasBackbone, run: (model: HasBackbone) => Promise<unknown>): Promise<Map<number, Int32Array>> {
  const wasTraining = model.training;
  model.train(false);
  try {
    await noGrad(() => run(model));
  } finally {
    model.train(wasTraining);
  }
  const out = new Map<number, Int32Array>();
  for (const { layer, moe } of model.body.moeLayers()) {
    if (moe.lastPlan) out.set(layer, await topExpert(moe.lastPlan));
  }
  return out;
}

/**
 * Per MoE layer, the fraction of tokens whose top-1 expert differs between two models (two
 * checkpoints of one architecture) on the batch that `run` feeds them (in evaluation mode,
 * without gradients), e.g. `(m) => (m as LanguageModel).forward(ids)`.
 */
export async function routingFluctuationBetween(a: HasBackbone, b: HasBackbone, run: (model: HasBackbone) => Promise<unknown>): Promise<Array<{ layer: number; fluctuation: number }>> {
  const before = await topPerLayer(a, run);
  const after = await topPerLayer(b, run);
  return [...before].filter(([layer]) => after.has(layer)).map(([layer, top]) => ({ layer, fluctuation: routingFluctuation(top, after.get(layer) as Int32Array) }));
}

/**
 * Per MoE layer, after a forward pass: the effective rank of its inputs (of `modelDim`
 * possible) and the mean cosine similarity between its experts' outputs on the first
 * `sampleTokens` of those inputs (default 64).
 */
export async function representationCollapse(model: HasBackbone, sampleTokens = 64): Promise<Array<{ layer: number; effectiveRank: number; expertSimilarity: number }>> {
  const out: Array<{ layer: number; effectiveRank: number; expertSimilarity: number }> = [];
  for (const { layer, moe } of model.body.moeLayers()) {
    const x = moe.lastInput;
    if (!x) continue;
    const sample = slice(x, 0, 0, Math.min(sampleTokens, x.shape[0]));
    out.push({ layer, effectiveRank: await effectiveRank(x), expertSimilarity: await expertOutputSimilarity(moe.experts, sample) });
  }
  return out;
}
