import { expect, it } from 'vitest';
import { Rng } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { createModel } from './create_model.js';
import { representationCollapse, routingFluctuationBetween } from './measurements.js';
import { VisionTransformer, type VisionTransformerConfig } from './vision_transformer.js';
import { sgdStep } from '../test/sgd.js';

const config: VisionTransformerConfig = {
  imageHeight: 4,
  imageWidth: 6,
  channels: 1,
  patch: 2,
  classes: 3,
  layers: 2,
  modelDim: 8,
  heads: 2,
  ffDim: 16,
  moe: { experts: 4, router: { strategy: 'expertChoice', topK: 2 } },
  seed: 2,
};

function images(batch: number, seed: number): { images: Float32Array; labels: Int32Array; batch: number } {
  const rng = new Rng(seed);
  return { images: rng.normalArray(batch * 24), labels: Int32Array.from({ length: batch }, (_, i) => i % 3), batch };
}

describeEachBackend('VisionTransformer', () => {
  it('cuts images into row-major patches', async () => {
    const model = new VisionTransformer(config);
    const pixels = Float32Array.from({ length: 24 }, (_, i) => i); // 4 × 6 image
    const patches = await (await model.patchify(pixels, 1)).data();
    expect(model.patches).toBe(6);
    expect(Array.from(patches.slice(0, 4))).toEqual([0, 1, 6, 7]);
    expect(Array.from(patches.slice(4, 8))).toEqual([2, 3, 8, 9]);
    expect(Array.from(patches.slice(12, 16))).toEqual([12, 13, 18, 19]);
  });

  it('maps images to class logits; routers select per image; attention is bidirectional', async () => {
    const model = new VisionTransformer(config).eval();
    const data = images(2, 1);
    const logits = await model.forward(data.images, 2);
    expect(logits.shape).toEqual([2, 3]);
    const plan = model.body.moeLayers()[0].moe.lastPlan;
    // expert choice with groupSize = 6 patches: each expert takes 3 tokens of each image
    expect(plan?.tokenIndex.length).toBe(24);
    expect(model.body.blocks.every((block) => !block.attention.causal)).toBe(true);
  });

  it('loss decreases over 20 SGD steps on a repeated batch', async () => {
    const model = new VisionTransformer(config);
    const data = images(4, 5);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      // accuracy is the fraction of images whose largest logit is their label's
      const logits = await (await model.forward(data.images, 4)).data();
      const hits = Array.from(data.labels).filter((label, image) => {
        const row = Array.from(logits.slice(image * 3, image * 3 + 3));
        return row.indexOf(Math.max(...row)) === label;
      }).length;
      const result = await model.loss(data);
      losses.push(result.metrics.taskLoss);
      expect(result.metrics.accuracy).toBe(hits / 4);
      result.loss.backward();
      sgdStep(model, 0.3);
    }
    expect(losses[19]).toBeLessThan(losses[0] * 0.7);
  });

  it('config round-trips through JSON', async () => {
    const model = new VisionTransformer({ ...config, moe: { experts: 4, vq: { regime: 'discrete' }, sharedExperts: 1 } });
    const json = JSON.parse(JSON.stringify(model.config));
    const again = createModel(json) as VisionTransformer;
    expect(again).toBeInstanceOf(VisionTransformer);
    expect(again.config).toEqual(model.config);
    const data = images(1, 3);
    expect(maxAbsDiff(await (await model.forward(data.images, 1)).data(), await (await again.forward(data.images, 1)).data())).toBe(0);
  });

  it('measures routing fluctuation between checkpoints and representation collapse', async () => {
    const a = new VisionTransformer({ ...config, moe: { experts: 4 } });
    const b = new VisionTransformer({ ...config, moe: { experts: 4 } });
    const data = images(2, 4);
    const run = (m: unknown): Promise<unknown> => (m as VisionTransformer).forward(data.images, 2);
    expect(await routingFluctuationBetween(a, b, run)).toEqual([
      { layer: 0, fluctuation: 0 },
      { layer: 1, fluctuation: 0 },
    ]);
    const result = await b.loss(data);
    result.loss.backward();
    sgdStep(b, 2);
    const moved = await routingFluctuationBetween(a, b, run);
    expect(moved.some((m) => m.fluctuation > 0)).toBe(true);
    const collapse = await representationCollapse(a);
    expect(collapse).toHaveLength(2);
    for (const c of collapse) {
      expect(c.effectiveRank).toBeGreaterThan(1);
      expect(c.effectiveRank).toBeLessThanOrEqual(8 + 1e-6);
      expect(Math.abs(c.expertSimilarity)).toBeLessThanOrEqual(1);
    }
  });
}, ['cpu']);
