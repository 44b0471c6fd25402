/**
 * Benchmark of one MoE layer, forward + backward (not a timed test): T = 1024 tokens, d = 128,
 * d_ff = 256, token choice top-2, N ∈ {4, 8, 16, 32, 64} experts, on each backend available.
 * Prints one JSON line per (backend, N) with milliseconds per step (median and best of the timed
 * steps, after warm-up steps that compile the kernels) beside PyTorch's median for the same
 * layer (bench/pytorch_reference.py, measured in alternation with smoe's steps so both see the
 * same machine load; a "skipped" field when torch is missing — bench/setup.sh installs it),
 * then one summary line per backend with the ratio t(N = 64) / t(N = 4) and smoe / PyTorch at N = 8.
 * Targets: ratio ≤ 1.3 (cost follows the active experts, not their number); the step at N = 8
 * no slower than PyTorch on this machine's CPU (ratio ≤ 1).
 *
 *   pnpm bench                                   every backend
 *   SMOE_BENCH_BACKENDS=webasm,cpu pnpm bench    a subset
 *   SMOE_BENCH_STEPS=3 pnpm bench                timed steps per point (default 5; 2 on cpu)
 *   SMOE_BENCH_TORCH_THREADS=1 pnpm bench        PyTorch's intra-op threads (default: the cores)
 */
import { getBackend, isBackendAvailable, randn, Rng, setBackend, type BackendName, type Tensor } from '@smoe/tensor';
import { installWebGPU } from '@smoe/tensor/node';
import { MoELayer } from '../src/index.js';
import { startPytorch, type PytorchWorker } from '../../../bench/pytorch.js';

const TOKENS = 1024;
const DIM = 128;
const HIDDEN = 256;
const TOP_K = 2;
const EXPERTS = [4, 8, 16, 32, 64];

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
  const pytorchMedians = new Map<number, number>();
  for (const experts of EXPERTS) {
    const layer = new MoELayer({ dim: DIM, expertDim: HIDDEN, experts, router: { strategy: 'tokenChoice', topK: TOP_K } }, { rng: new Rng(1) });
    const x = randn([TOKENS, DIM], 1, { rng: new Rng(2), requiresGrad: true });
    const started = await startPytorch({ workload: 'moeLayer', tokens: TOKENS, dim: DIM, hidden: HIDDEN, experts, topK: TOP_K });
    const pytorch: PytorchWorker | null = 'missing' in started ? null : started;
    for (let i = 0; i < 2; i++) {
      await step(layer, x); // compile every kernel of these shapes
      await pytorch?.run(1);
    }
    const times: number[] = [];
    const pytorchTimes: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await step(layer, x);
      times.push(performance.now() - start);
      if (pytorch) pytorchTimes.push(1000 * (await pytorch.run(1)).seconds);
    }
    pytorch?.close();
    const median = middle(times);
    medians.set(experts, median);
    const compared = pytorch
      ? { pytorchMsPerStep: round(middle(pytorchTimes)), pytorchThreads: pytorch.threads, overPytorch: round(median / middle(pytorchTimes), 3) }
      : { pytorch: `skipped: ${(started as { missing: string }).missing}` };
    if (pytorch) pytorchMedians.set(experts, middle(pytorchTimes));
    console.log(JSON.stringify({ bench: 'moeLayer', backend, tokens: TOKENS, dim: DIM, hidden: HIDDEN, topK: TOP_K, experts, steps, msPerStep: round(median), msBest: round(Math.min(...times)), ...compared }));
  }
  const ratio = (medians.get(64) as number) / (medians.get(4) as number);
  const at8 = medians.get(8) as number;
  const pytorchAt8 = pytorchMedians.get(8);
  console.log(
    JSON.stringify({
      bench: 'moeLayer',
      backend,
      summary: true,
      ratio64over4: round(ratio, 3),
      ratioTarget: 1.3,
      ratioMet: ratio <= 1.3,
      msAt8: round(at8),
      pytorchMsAt8: pytorchAt8 === undefined ? null : round(pytorchAt8),
      pytorchRatio64over4: pytorchMedians.size ? round((pytorchMedians.get(64) as number) / (pytorchMedians.get(4) as number), 3) : null,
      overPytorchAt8: pytorchAt8 === undefined ? null : round(at8 / pytorchAt8, 3),
      speedMet: pytorchAt8 === undefined ? null : at8 <= pytorchAt8,
    }),
  );
  getBackend().destroy();
}
process.exit(0);

/** The median of a list of times. */
function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
