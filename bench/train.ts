/**
 * `pnpm bench:train`: training throughput of smoe against PyTorch on the same CPU, side by
 * side in one run (not a timed test). Two models, both the demo's LM shape with top-2 MoE FFNs
 * over 8 GELU experts (token choice; `SMOE_BENCH_ROUTER` picks another registered router, in
 * its causal form), AdamW, clip 1, warm-up + cosine lr, on Moby Dick:
 *
 *   default  the demo's default model: 2 layers, width 64, ff 128, 4 heads, 16×64 tokens
 *   large    4 layers, width 128, ff 256, 4 heads, 16×128 tokens
 *
 * Variants: smoe eager (`eagerStep` of @smoe/trainer: Tensor ops, one kernel call each), smoe
 * compiled (`CompiledTrainStep`, what `train()` runs by default; its line names the executor
 * that ran and, if it ran eagerly, why) and PyTorch (bench/pytorch_reference.py, token choice
 * only; a "skipped" line when torch is missing — bench/setup.sh installs it). After warm-up
 * steps (kernel compilation) the variants alternate rounds of `SMOE_BENCH_STEPS` steps, so all see the same machine load; tokens/s is the total over the
 * rounds. One JSON line per (model, variant), then a summary line per model with the ratios
 * smoe / PyTorch (target ≥ 1), over all rounds and over each side's fastest round (the least
 * disturbed: PyTorch's two threads lose most to anything else running). Each line also gives the CPU time per step (the process's, all
 * threads): on a machine shared with other work, wall time follows the scheduler's share, and
 * tokens per CPU-second compares the work each side does.
 *
 *   SMOE_BENCH_MODELS=default,large  SMOE_BENCH_BACKEND=webasm  SMOE_BENCH_THREADS=1 (0: webasm on the calling thread)  SMOE_BENCH_ROUNDS=3
 *   SMOE_BENCH_STEPS=5 (steps per round)  SMOE_BENCH_WARMUP=3  SMOE_BENCH_TORCH_THREADS=<cores>
 *   SMOE_BENCH_ROUTER=tokenChoice
 *   SMOE_BENCH_PROFILE=1 (with SMOE_BENCH_THREADS=0: one more line per model, the compiled step's
 *   kernel time by op — the 15 largest shares — from `compile`'s profile; timing each kernel
 *   costs a little, so take ratios from a run without it)
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteTokenizer, lmBatches, textCorpus, type LmBatch } from '@smoe/datasets/node';
import { LanguageModel, type LanguageModelConfig } from '@smoe/moe';
import type { Tensor } from '@smoe/tensor';
import { getBackend, setBackend } from '@smoe/tensor/node';
import { AdamW, CompiledTrainStep, eagerStep, warmupCosine, type StepOutcome } from '@smoe/trainer';
import { startPytorch } from './pytorch.js';

/** A bench model: the LM's sizes, its MoE layers' experts and k, and its batch shape. */
type BenchModel = Pick<LanguageModelConfig, 'layers' | 'modelDim' | 'heads' | 'ffDim' | 'context'> & { name: string; experts: number; topK: number; batch: number };

const models: BenchModel[] = [
  { name: 'default', layers: 2, modelDim: 64, heads: 4, ffDim: 128, experts: 8, topK: 2, batch: 16, context: 64 },
  { name: 'large', layers: 4, modelDim: 128, heads: 4, ffDim: 256, experts: 8, topK: 2, batch: 16, context: 128 },
];

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const wantedModels = env('SMOE_BENCH_MODELS', 'default,large').split(',');
const backendName = env('SMOE_BENCH_BACKEND', 'webasm');
/** webasm: run kernels and plans on the worker pool (1, the default) or on the calling thread (0). */
const threads = env('SMOE_BENCH_THREADS', '1') !== '0';
const rounds = Number(env('SMOE_BENCH_ROUNDS', '3'));
const stepsPerRound = Number(env('SMOE_BENCH_STEPS', '5'));
const warmupSteps = Number(env('SMOE_BENCH_WARMUP', '3'));
const router = env('SMOE_BENCH_ROUTER', 'tokenChoice');
const profiling = env('SMOE_BENCH_PROFILE', '0') === '1';
const totalSteps = warmupSteps + rounds * stepsPerRound;
/** The demo's optimisation settings (apps/demo/src/settings.ts; warm-up clamped to a tenth of the steps as pretrain does). */
const optimisation = { lr: 3e-3, weightDecay: 0.01, clipNorm: 1, warmup: Math.min(40, Math.floor(totalSteps / 10)), seed: 1 };

const tokenizer = byteTokenizer();
const corpus = tokenizer.encode(textCorpus('moby-dick', 'train'));
const print = (line: object): void => console.log(JSON.stringify({ bench: 'train', ...line }));

/** A training variant: warm up once, then time rounds of steps. */
interface Variant {
  name: string;
  /** Where it runs (backend, or torch version and threads), for the JSON line. */
  info: Record<string, string | number | boolean>;
  /** Runs `steps` steps; returns their wall and CPU time (all threads of the process) in seconds. */
  run(steps: number): Promise<Timing>;
  /** A line printed after the variant's own (the compiled variant's kernel profile), or null. */
  report?(): Record<string, unknown> | null;
  close(): void;
}

/** Wall and CPU seconds of some steps. */
interface Timing {
  seconds: number;
  cpuSeconds: number;
}

/** One training step of the LM on a batch: the trainer's outcome (loss read back, parameters updated). */
type StepFunction = (batch: LmBatch) => Promise<StepOutcome>;

/**
 * smoe's step as @smoe/trainer's train() runs it — progress, then the step at the scheduled rate
 * of update n + 1 — eagerly (`eagerStep`) or through `CompiledTrainStep`.
 */
function trainingStep(spec: BenchModel, compiled: CompiledTrainStep | null): { step: StepFunction; params: Array<[string, Tensor]> } {
  const model = new LanguageModel(languageModelConfig(spec));
  model.train();
  const optimizer = new AdamW({ lr: optimisation.lr, weightDecay: optimisation.weightDecay });
  const schedule = warmupCosine({ warmup: optimisation.warmup, total: totalSteps, min: 0.1 });
  const parameters = model.namedParameters();
  let done = 0;
  const step: StepFunction = async (batch) => {
    model.setProgress(done, totalSteps);
    const input = { model: model as never, batches: [batch as never], optimizer, parameters, lr: optimisation.lr * schedule.factor(done + 1), clipNorm: optimisation.clipNorm };
    done++;
    const outcome = compiled ? await compiled.run(input) : await eagerStep(input);
    if (outcome.status !== 'updated') throw new Error(`bench: step ${done} was not finite (${outcome.status})`);
    return outcome;
  };
  return { step, params: parameters };
}

/** A smoe variant running `step` (eager, or compiled) on the bench's batches. */
function smoeVariant(name: string, spec: BenchModel, step: StepFunction, params: Array<[string, Tensor]>, info: () => Record<string, string | number | boolean> = () => ({})): Variant {
  const batches = lmBatches(corpus, { context: spec.context, batch: spec.batch, seed: optimisation.seed, mode: 'random' });
  return {
    name,
    get info() {
      return { backend: getBackend().name, ...(getBackend().name === 'webasm' ? { threads: getBackend().async } : {}), ...info() };
    },
    async run(steps) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      for (let i = 0; i < steps; i++) {
        const next = batches.next();
        if (next.done) throw new Error('bench: the batch iterator ended');
        await step(next.value); // reads the loss back, as the trainer does every step
      }
      // Updates are computed lazily: wait for the last one before stopping the clock.
      await Promise.all(params.map(([, p]) => p.data()));
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
    },
    close() {},
  };
}

/** The compiled variant: the trainer's CompiledTrainStep; its line says which executor ran, or why it ran eagerly. */
function compiledVariant(spec: BenchModel): Variant {
  const compiled = new CompiledTrainStep({ profile: profiling });
  const { step, params } = trainingStep(spec, compiled);
  const variant = smoeVariant('compiled', spec, step, params, () => ({ executor: compiled.executorKind ?? 'none', plans: compiled.compilations, ...(compiled.fallbackReason ? { eagerBecause: compiled.fallbackReason } : {}) }));
  variant.report = () => {
    if (!profiling) return null;
    const kernels = compiled.profile();
    const total = kernels.reduce((sum, k) => sum + k.ms, 0);
    // every step the variant ran, warm-up included: shares, not times, are the point
    return { kernelMs: round(total), kernels: kernels.slice(0, 15).map((k) => ({ op: k.op, kernel: k.kernel, share: round(k.ms / total, 3), calls: k.calls })) };
  };
  variant.close = () => compiled.dispose();
  return variant;
}

function languageModelConfig(spec: BenchModel): LanguageModelConfig {
  const { layers, modelDim, heads, ffDim, experts, topK, context } = spec;
  return { vocab: tokenizer.vocabSize, context, layers, modelDim, heads, ffDim, seed: optimisation.seed, moe: { experts, expertDim: ffDim, router: { strategy: router, topK } } };
}

/** The PyTorch reference of the same model, or why it cannot run. */
async function pytorchVariant(spec: BenchModel): Promise<Variant | { missing: string }> {
  if (router !== 'tokenChoice') return { missing: `the PyTorch reference implements token choice only, not ${router}` };
  const tokens = join(tmpdir(), `smoe-bench-moby-dick-${process.pid}.i32`);
  writeFileSync(tokens, new Uint8Array(corpus.buffer, corpus.byteOffset, corpus.byteLength));
  const worker = await startPytorch({ workload: 'lm', vocab: tokenizer.vocabSize, ...spec, ...optimisation, totalSteps, tokens });
  if ('missing' in worker) return worker;
  return { name: 'pytorch', info: { torch: worker.torch, threads: worker.threads }, run: async (steps) => worker.run(steps), close: () => worker.close() };
}

await setBackend(backendName, { threads });
for (const spec of models.filter((m) => wantedModels.includes(m.name))) {
  const shape = { model: spec.name, router, layers: spec.layers, modelDim: spec.modelDim, ffDim: spec.ffDim, experts: spec.experts, topK: spec.topK, batch: spec.batch, context: spec.context };
  const eager = trainingStep(spec, null);
  const variants: Variant[] = [smoeVariant('eager', spec, eager.step, eager.params), compiledVariant(spec)];
  const pytorch = await pytorchVariant(spec);
  if ('missing' in pytorch) print({ ...shape, variant: 'pytorch', skipped: pytorch.missing });
  else variants.push(pytorch);
  for (const v of variants) await v.run(warmupSteps);
  const totals = new Map(variants.map((v) => [v.name, { seconds: 0, cpuSeconds: 0 }]));
  // each variant's fastest round: the one least disturbed by anything else on the machine
  const best = new Map(variants.map((v) => [v.name, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t = await v.run(stepsPerRound);
      const total = totals.get(v.name) as Timing;
      total.seconds += t.seconds;
      total.cpuSeconds += t.cpuSeconds;
      best.set(v.name, Math.min(best.get(v.name)!, t.seconds));
    }
  }
  const timed = rounds * stepsPerRound;
  const tokens = timed * spec.batch * spec.context;
  for (const v of variants) {
    const { seconds, cpuSeconds } = totals.get(v.name) as Timing;
    print({ ...shape, variant: v.name, ...v.info, steps: timed, tokensPerSecond: Math.round(tokens / seconds), bestRoundTokensPerSecond: Math.round((stepsPerRound * spec.batch * spec.context) / best.get(v.name)!), msPerStep: round((1000 * seconds) / timed), cpuMsPerStep: round((1000 * cpuSeconds) / timed), tokensPerCpuSecond: Math.round(tokens / cpuSeconds) });
    const report = v.report?.();
    if (report) print({ ...shape, variant: v.name, profile: true, ...report });
    v.close();
  }
  // smoe / PyTorch, in tokens per wall second and per CPU-second
  const over = (name: string, per: (t: Timing) => number): number | null => {
    const [mine, torch] = [totals.get(name), totals.get('pytorch')];
    return mine && torch ? round(per(torch) / per(mine), 3) : null;
  };
  const wall = (t: Timing): number => t.seconds;
  const cpuTime = (t: Timing): number => t.cpuSeconds;
  const overBest = (name: string): number | null => (best.has(name) && best.has('pytorch') ? round(best.get('pytorch')! / best.get(name)!, 3) : null);
  print({ model: spec.name, summary: true, eagerOverPytorch: over('eager', wall), compiledOverPytorch: over('compiled', wall), eagerOverPytorchPerCpuSecond: over('eager', cpuTime), compiledOverPytorchPerCpuSecond: over('compiled', cpuTime), compiledOverPytorchBestRounds: overBest('compiled'), target: 1 });
}
getBackend().destroy();
process.exit(0);

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
