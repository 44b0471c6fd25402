// A tour of @smoe/vq on data with known clusters:
//   node --conditions=@smoe/source --import tsx packages/vq/examples/quickstart.ts
import { noGrad, setBackend, tensor } from '@smoe/tensor/node';
import { Codebook, FSQ, ProductVQ, ResidualVQ, gaussianBlobs, purity } from '@smoe/vq';

await setBackend(process.env.SMOE_BACKEND ?? 'cpu');
const { x, labels } = gaussianBlobs({ clusters: 8, perCluster: 32, dim: 16, seed: 1 });

// 1. EMA codebook with k-means init and dead-code restart: codes recover the 8 clusters.
const codebook = new Codebook({ size: 8, dim: 16, kmeansInit: true, ema: { decay: 0.9 }, deadCodeThreshold: 1 });
for (let step = 0; step < 5; step++) {
  const { loss, codeIndex, perplexity } = await codebook.quantize(x, { training: true });
  console.log(`ema step ${step}: loss ${(await loss.item()).toFixed(4)}, perplexity ${perplexity.toFixed(2)}, purity ${purity(codeIndex, labels).toFixed(3)}`);
}
console.log('usage', codebook.usage());

// 2. A codebook learned by gradient (codebook + 0.25·commitment loss), damped straight-through.
const learned = new Codebook({ size: 16, dim: 16, straightThrough: 'damped', dampRate: 0.05, deadCodeThreshold: 0.5, seed: 2 });
const input = tensor(await x.data(), x.shape, { requiresGrad: true });
for (let step = 0; step < 20; step++) {
  learned.zeroGrad();
  const { loss, quantized } = await learned.quantize(input, { training: true });
  loss.backward(); // quantized would feed the rest of a model; its gradient to input is (1 − c)
  noGrad(() => learned.embeddings.assign(learned.embeddings.sub(learned.embeddings.grad!.mul(20))));
  if (step % 5 === 4) console.log(`sgd step ${step}: loss ${(await loss.item()).toFixed(4)}, quantized ${quantized}`);
}

// 3. Residual, product (multi-head) and finite scalar quantization: the same result shape.
const rvq = new ResidualVQ({ levels: 3, size: 8, dim: 16, kmeansInit: true });
const residual = await rvq.quantize(x, { training: true });
console.log('residual codes', residual.codes.shape, 'losses per level', await Promise.all(residual.parts.map((p) => p.commitmentLoss.item())));
const pvq = new ProductVQ({ heads: 4, size: 8, dim: 16, kmeansInit: true });
console.log('product codes', (await pvq.quantize(x, { training: true })).codes.shape);
const fsq = new FSQ({ levels: [8, 5, 5, 5], dim: 16 });
const finite = await fsq.quantize(x);
console.log('fsq codes', finite.codes.shape, 'first', Array.from(finite.codeIndex.slice(0, 8)), 'of', fsq.size);
