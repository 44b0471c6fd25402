import { expect, it } from 'vitest';
import { noGrad } from '@smoe/tensor';
import { LanguageModel } from './index.js';

/** A two-layer expert-choice LM (its routers index tokens by their scores) with every value of `parameter` NaN. */
function poisoned(parameter: string): LanguageModel {
  const model = new LanguageModel({ vocab: 259, context: 16, layers: 2, modelDim: 16, heads: 2, ffDim: 16, moe: { experts: 4, router: { strategy: 'expertChoice' } }, seed: 1 });
  const p = new Map(model.namedParameters()).get(parameter)!;
  noGrad(() => p.assign(p.mul(NaN)));
  return model;
}

it('non-finite values reaching a router fail as "non-finite router scores in layer L", not an index error', async () => {
  const ids = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 259);
  const batch = { inputs: ids, targets: ids, batch: 2, context: 16 };
  await expect(poisoned('body.blocks.1.ffn.router.scorer.weight').loss(batch)).rejects.toThrow(
    "non-finite router scores in layer 1: 64 of its parameter values are NaN or ±Infinity; check the checkpoint's weights and the learning rate",
  );
  await expect(poisoned('positionEmbedding').loss(batch)).rejects.toThrow(/^non-finite router scores in layer 0: 512 of the block's input values are NaN or ±Infinity/);
});
