/**
 * Benchmark of one MoE layer, forward + backward (not a timed test): T = 1024 tokens, d = 128,
 * d_ff = 256, token choice top-2, N ∈ {4, 8, 16, 32, 64} experts, on each backend available.
 * Prints one JSON line per (backend, N) with milliseconds per step (median and best of the timed
 * steps, after warm-up steps that compile the kernels), then one summary line per backend with
 * the ratio t(N = 64) / t(N = 4).
 * Targets: ratio ≤ 1.3 (cost follows the active experts, not their number); the step at N = 8
 * no slower than PyTorch on this machine's CPU (about 70 ms, 2 threads, measured by the lead).
 *
 *   pnpm bench                                   every backend
 *   SMOE_BENCH_BACKENDS=webasm,cpu pnpm bench    a subset
 *   SMOE_BENCH_STEPS=3 pnpm bench                timed steps per point (default 5; 2 on cpu)
 */
import { getBackend, isBackendAvailable, randn, Rng, setBackend, type BackendName, type Tensor } from '@smoe/tensor';
import { installWebGPU } from '@smoe/tensor/node';
import { MoELayer } from '../src/index.js';

const TOKENS = 1024;
const DIM = 128;
const HIDDEN = 256;
const TOP_K = 2;
const EXPERTS = [4, 8, 16, 32, 64];
const PYTORCH_CPU_MS_AT_8 = 70;

await installWebGPU();
const wanted = (process.env.SMOE_BENCH_BACKENDS ?? 'webasm,webgpu,cpu').split(',').map((b) => b.trim()) as BackendName[];

async function step(layer: MoELayer, x: Tensor): Promise<void> {
  const y = await layer.forward(x, { training: true });
  let loss = y.square().mean();
  if (layer.auxLoss) loss = loss.add(layer.auxLoss);
  loss.backward();
  await Promise.all([x, ...layer.parameters()].map((p) => p.grad?.data()));
  layer.zeroGrad();
  x.grad = null;
}

for (const backend of wanted) {
  if (!(await isBackendAvailable(backend))) {
    console.log(JSON.stringify({ bench: 'moeLayer', backend, skipped: 'not available here' }));
    continue;
  }
  await setBackend(backend);
  const steps = Number(process.env.SMOE_BENCH_STEPS ?? (backend === 'cpu' ? 2 : 5));
  const medians = new Map<number, number>();
  for (const experts of EXPERTS) {
    const layer = new MoELayer({ dim: DIM, hidden: HIDDEN, experts, router: { strategy: 'tokenChoice', topK: TOP_K } }, { rng: new Rng(1) });
    const x = randn([TOKENS, DIM], 1, { rng: new Rng(2), requiresGrad: true });
    for (let i = 0; i < 2; i++) await step(layer, x); // compile every kernel of these shapes
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await step(layer, x);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    medians.set(experts, median);
    console.log(JSON.stringify({ bench: 'moeLayer', backend, tokens: TOKENS, dim: DIM, hidden: HIDDEN, topK: TOP_K, experts, steps, msPerStep: round(median), msBest: round(times[0]) }));
  }
  const ratio = (medians.get(64) as number) / (medians.get(4) as number);
  console.log(
    JSON.stringify({
      bench: 'moeLayer',
      backend,
      summary: true,
      ratio64over4: round(ratio, 3),
      ratioTarget: 1.3,
      ratioMet: ratio <= 1.3,
      msAt8: round(medians.get(8) as number),
      pytorchCpuMsAt8: PYTORCH_CPU_MS_AT_8,
      speedMet: (medians.get(8) as number) <= PYTORCH_CPU_MS_AT_8,
    }),
  );
  getBackend().destroy();
}
process.exit(0);

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
