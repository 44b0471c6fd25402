/**
 * A tour of @smoe/moe: one MoE layer, a small MoE language model trained for a few steps, the
 * VQMoE regimes, the training-free USMoE swap, and the routing measurements.
 *
 *   node --conditions=@smoe/source --import tsx packages/moe/examples/quickstart.ts
 */
import { Rng, noGrad, randn, setBackend } from '@smoe/tensor/node';
import { LanguageModel, MoELayer, SequenceClassifier, VisionTransformer, representationCollapse, routingFluctuationBetween } from '@smoe/moe';

await setBackend(process.env.SMOE_BACKEND ?? 'cpu');

// 1. One MoE layer: router + 8 experts + 1 shared expert, on 64 tokens of width 32.
const layer = new MoELayer({ dim: 32, expertDim: 64, experts: 8, router: { strategy: 'tokenChoice', topK: 2 }, sharedExperts: 1 });
const x = randn([64, 32], 1, { rng: new Rng(1) });
const y = await layer.forward(x, { training: true });
console.log('layer out', y.shape, 'aux loss', await layer.auxLoss?.item());
console.log('load', layer.lastStats?.load, 'load CV', layer.lastStats?.loadCv.toFixed(3), 'experts/token', layer.lastStats?.expertsPerToken);

// 2. A small MoE language model (VQMoE layers in every other block), trained on one batch.
const model = new LanguageModel({
  vocab: 32, context: 16, layers: 2, modelDim: 32, heads: 4, ffDim: 64, seed: 0,
  moe: { experts: 4, every: 2, vq: { regime: 'mixed' } },
});
const rng = new Rng(2);
const inputs = Int32Array.from({ length: 4 * 16 }, () => rng.int(32));
const targets = Int32Array.from(inputs, (t) => (t + 1) % 32); // learn "next id"
const batch = { inputs, targets, batch: 4, context: 16 };
const before = model.stateDict();
for (let step = 0; step < 10; step++) {
  const { loss, metrics } = await model.loss(batch);
  loss.backward();
  noGrad(() => model.parameters().forEach((p) => p.grad && p.assign(p.sub(p.grad.mul(0.1)))));
  model.zeroGrad();
  if (step % 3 === 0) console.log(`step ${step}: bits/token ${metrics.bitsPerToken.toFixed(3)}, code perplexity ${metrics['routing.codePerplexity']?.toFixed(2)}`);
}

// 3. Routing fluctuation between the initial and the trained weights, and collapse measures.
const initial = LanguageModel.fromConfig(model.config);
initial.loadStateDict(before);
const run = (m: unknown) => (m as LanguageModel).forward(inputs, [4, 16]);
console.log('fluctuation', await routingFluctuationBetween(initial, model, run));
console.log('collapse', await representationCollapse(model));

// 4. Fine-tuning: a classifier over the trained body, VQMoE in its discrete-only regime.
const classifier = await SequenceClassifier.fromPretrained(model, { classes: 2, pool: 'mean' });
classifier.setRegime('discrete');
const out = await classifier.loss({ inputs: inputs.slice(0, 32), labels: Int32Array.of(0, 1), batch: 2, length: 16 });
console.log('classifier loss', out.metrics.taskLoss.toFixed(3), 'config', JSON.stringify(classifier.config.body.moe?.vq));

// 5. Training-free USMoE on a token-choice model: the same gate weights, 1.5 experts per token.
const tc = new LanguageModel({ vocab: 32, context: 16, layers: 1, modelDim: 32, heads: 4, ffDim: 64, moe: { experts: 4 } });
tc.eval().setSelection({ rule: 'usmoe', topK: 1.5 });
await tc.forward(inputs, [4, 16]);
console.log('USMoE experts/token', tc.body.moeLayers()[0].moe.lastStats?.expertsPerToken);

// 6. A ViT over 8 × 8 images cut into 16 patches of 2 × 2, with expert-choice MoE blocks.
const vit = new VisionTransformer({ imageHeight: 8, imageWidth: 8, patch: 2, classes: 10, layers: 2, modelDim: 32, heads: 4, ffDim: 64, moe: { experts: 4, router: { strategy: 'expertChoice' } } });
const images = { images: new Rng(3).normalArray(2 * 64), labels: Int32Array.of(3, 7), batch: 2 };
console.log('ViT', (await vit.loss(images)).metrics);
