// Bad configurations throw errors naming the field, the value and what is allowed.
import { describe, expect, it } from 'vitest';
import { tensor } from '@smoe/tensor';
import { RouterConfigError, createRouter, expertChoiceSelect, tokenChoiceSelect, unifiedScore, usmoeSelect } from './index.js';

const shape = { experts: 4, dim: 3 };
const scores = tensor([
  [1, 2, 3, 4],
  [4, 3, 2, 1],
]);

describe('configuration errors', () => {
  it('k > N, non-integer k for token choice', async () => {
    expect(() => createRouter({ strategy: 'tokenChoice', ...shape, topK: 5 })).toThrow('tokenChoice: topK = 5 is not allowed; expected an integer in [1, 4] (the number of experts)');
    expect(() => createRouter({ strategy: 'switch', ...shape, topK: 1.5 })).toThrow(/topK = 1.5 is not allowed/);
    await expect(tokenChoiceSelect(scores, { topK: 0 })).rejects.toThrow(RouterConfigError);
    expect(() => createRouter({ strategy: 'expertChoice', ...shape, topK: 5 })).toThrow(/expertChoice: topK = 5 is not allowed; expected a finite number in \(0, 4\]/);
    expect(() => createRouter({ strategy: 'smoeDropout', ...shape, minTopK: 3, maxTopK: 2 })).toThrow(/minTopK = 3/);
  });

  it('k̄ ≤ 0 or k̄ > N for USMoE', async () => {
    for (const topK of [0, -1]) expect(() => createRouter({ strategy: 'usmoe', ...shape, topK })).toThrow(`usmoe: topK = ${topK} is not allowed; expected a finite number in (0, 4]`);
    await expect(usmoeSelect(scores, { topK: 4.5 })).rejects.toThrow(/topK = 4.5/);
    await expect(usmoeSelect(scores, { topK: Number.NaN })).rejects.toThrow(/topK = NaN/);
  });

  it('α outside [0, 1]', async () => {
    for (const alpha of [-0.1, 1.5]) expect(() => createRouter({ strategy: 'usmoe', ...shape, alpha })).toThrow(`usmoe: alpha = ${alpha} is not allowed; expected a finite number in [0, 1]`);
    expect(() => unifiedScore(scores, 2)).toThrow(/alpha = 2/);
  });

  it('capacity ≤ 0', async () => {
    expect(() => createRouter({ strategy: 'switch', ...shape, capacityFactor: -1 })).toThrow(
      /^switch: capacityFactor = -1 is not allowed; expected a finite number in \(0, ∞\) \(capacity factor; null or 0 means dropless\)/
    );
    expect(() => createRouter({ strategy: 'gshard', ...shape, evalCapacityFactor: -2 })).toThrow(/evalCapacityFactor = -2/);
    await expect(tokenChoiceSelect(scores, { capacity: 0 })).rejects.toThrow(/capacity = 0 is not allowed; expected an integer in \[1, ∞\]/);
    await expect(expertChoiceSelect(scores, { capacity: -3 })).rejects.toThrow(/capacity = -3/);
  });

  it('K < N for the VQ router', () => {
    expect(() => createRouter({ strategy: 'vq', ...shape, codebookSize: 3 })).toThrow('vq: codebookSize = 3 is not allowed; expected an integer in [4, ∞] (K ≥ N = 4: every expert needs a code)');
  });

  it('unknown options, bad enums, bad sizes and groups', async () => {
    expect(() => createRouter({ strategy: 'tokenChoice', ...shape, topk: 2 })).toThrow(/tokenChoice: topk = 2 is not allowed; expected no such option; known options: .*topK/);
    expect(() => createRouter({ strategy: 'tokenChoice', ...shape, weighting: 'max' })).toThrow(/weighting = 'max' is not allowed; expected one of 'softmaxTopK', 'softmax', 'sigmoid'/);
    expect(() => createRouter({ strategy: 'tokenChoice', experts: 0, dim: 3 })).toThrow(/experts = 0/);
    expect(() => createRouter({ strategy: 'topP', ...shape, threshold: 0 })).toThrow(/threshold = 0/);
    expect(() => createRouter({ strategy: 'auxiliaryLossFree', ...shape, biasUpdate: 'sometimes' })).toThrow(/biasUpdate = 'sometimes'/);
    expect(() => createRouter({ strategy: 'competeSMoE', ...shape, competitionProbability: 2 })).toThrow(/competitionProbability = 2/);
    expect(() => createRouter({ strategy: 'tokenChoice', ...shape, balanceLossWeight: -1 })).toThrow(/balanceLossWeight = -1/);
    await expect(usmoeSelect(scores, { topK: 1 }, { training: true, groupSize: 3 })).rejects.toThrow(/groupSize = 3 must be a positive integer that divides the 2 tokens/);
    const router = createRouter({ strategy: 'tokenChoice', ...shape });
    await expect(router.route(tensor([[1, 2]]), { training: true })).rejects.toThrow(/expected inputs x of shape \[tokens, 3\]/);
  });
});
