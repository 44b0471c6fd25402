// Placeholder main job until the demo trainer lands: fits a tiny two-layer network with
// @smoe/tensor and prints its loss falling.
import { init, randn, setBackend, tensor, noGrad, crossEntropy, Rng } from '@smoe/tensor/node';

await setBackend();
const rng = new Rng(1);
const x = randn([256, 2], 1, { rng });
const xs = (await x.data()) as Float32Array;
const labels = new Int32Array(256).map((_, i) => (xs[2 * i] * xs[2 * i + 1] > 0 ? 1 : 0));
const y = tensor(labels, [256], { dtype: 'int32' });
const w1 = init.xavier([2, 32], { rng });
const b1 = init.zeros([32]);
const w2 = init.xavier([32, 2], { rng });
for (let step = 0; step <= 300; step++) {
  const loss = crossEntropy(x.matmul(w1).add(b1).relu().matmul(w2), y);
  for (const p of [w1, b1, w2]) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of [w1, b1, w2]) p.assign(p.sub(p.grad!.mul(0.5)));
  });
  if (step % 50 === 0) console.log(`step ${step} loss ${(await loss.item()).toFixed(4)}`);
}
process.exit(0);
