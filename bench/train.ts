/**
 * `pnpm bench:train`: training throughput of smoe against PyTorch on the same CPU, side by
 * side in one run (not a timed test). Two models, both the demo's LM shape with token-choice
 * top-2 MoE FFNs over 8 GELU experts, AdamW, clip 1, warm-up + cosine lr, on Moby Dick:
 *
 *   default  the demo's default model: 2 layers, width 64, ff 128, 4 heads, 16×64 tokens
 *   large    4 layers, width 128, ff 256, 4 heads, 16×128 tokens
 *
 * Variants: smoe eager (Tensor ops, one kernel call each, the trainer's step), smoe compiled
 * (`compile` from @smoe/tensor, when it exists; a "skipped" line until then) and PyTorch
 * (bench/pytorch_reference.py; a "skipped" line when torch is missing — bench/setup.sh
 * installs it). After warm-up steps (kernel compilation) the variants alternate rounds of
 * `SMOE_BENCH_STEPS` steps, so all see the same machine load; tokens/s is the total over the
 * rounds. One JSON line per (model, variant), then a summary line per model with the ratios
 * smoe / PyTorch (target ≥ 1).
 *
 *   SMOE_BENCH_MODELS=default,large  SMOE_BENCH_BACKEND=webasm  SMOE_BENCH_ROUNDS=3
 *   SMOE_BENCH_STEPS=5 (steps per round)  SMOE_BENCH_WARMUP=3  SMOE_BENCH_TORCH_THREADS=<cores>
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteTokenizer, lmBatches, textCorpus, type LmBatch } from '@smoe/datasets/node';
import { LanguageModel, type LanguageModelConfig } from '@smoe/moe';
import * as tensorModule from '@smoe/tensor';
import type { Tensor } from '@smoe/tensor';
import { getBackend, setBackend } from '@smoe/tensor/node';
import { AdamW, clipGradNorm, warmupCosine } from '@smoe/trainer';
import { startPytorch } from './pytorch.js';

/** A bench model: the LM's sizes and its batch shape. */
interface BenchModel {
  name: string;
  layers: number;
  modelDim: number;
  heads: number;
  ffDim: number;
  experts: number;
  topK: number;
  batch: number;
  context: number;
}

const models: BenchModel[] = [
  { name: 'default', layers: 2, modelDim: 64, heads: 4, ffDim: 128, experts: 8, topK: 2, batch: 16, context: 64 },
  { name: 'large', layers: 4, modelDim: 128, heads: 4, ffDim: 256, experts: 8, topK: 2, batch: 16, context: 128 },
];

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const wantedModels = env('SMOE_BENCH_MODELS', 'default,large').split(',');
const backendName = env('SMOE_BENCH_BACKEND', 'webasm');
const rounds = Number(env('SMOE_BENCH_ROUNDS', '3'));
const stepsPerRound = Number(env('SMOE_BENCH_STEPS', '5'));
const warmupSteps = Number(env('SMOE_BENCH_WARMUP', '3'));
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
  info: Record<string, string | number>;
  /** Runs `steps` steps; returns their wall time in seconds. */
  run(steps: number): Promise<number>;
  close(): void;
}

/** One training step of the LM on a batch, returning the loss tensor (what `compile` traces). */
type StepFunction = (batch: LmBatch) => Promise<Tensor>;

/** smoe's step as @smoe/trainer's train() takes it: loss, backward, clip, AdamW (eager: one kernel call per op). */
function trainingStep(spec: BenchModel): { step: StepFunction; params: Array<[string, Tensor]> } {
  const model = new LanguageModel(languageModelConfig(spec));
  const optimizer = new AdamW({ lr: optimisation.lr, weightDecay: optimisation.weightDecay });
  const schedule = warmupCosine({ warmup: optimisation.warmup, total: totalSteps, min: 0.1 });
  const params = model.namedParameters();
  let done = 0;
  const step: StepFunction = async (batch) => {
    model.zeroGrad();
    model.setProgress(done, totalSteps);
    const out = await model.loss(batch);
    out.loss.backward();
    await clipGradNorm(params.map(([, p]) => p), optimisation.clipNorm);
    done++;
    optimizer.step(params, optimisation.lr * schedule.factor(done));
    model.zeroGrad();
    return out.loss;
  };
  return { step, params };
}

/** A smoe variant running `step` (eager, or compiled) on the bench's batches. */
function smoeVariant(name: string, spec: BenchModel, step: StepFunction, params: Array<[string, Tensor]>): Variant {
  const batches = lmBatches(corpus, { context: spec.context, batch: spec.batch, seed: optimisation.seed, mode: 'random' });
  return {
    name,
    info: { backend: getBackend().name },
    async run(steps) {
      const start = performance.now();
      for (let i = 0; i < steps; i++) {
        const next = batches.next();
        if (next.done) throw new Error('bench: the batch iterator ended');
        await (await step(next.value)).item(); // the trainer reads the loss every step
      }
      // Updates are computed lazily: wait for the last one before stopping the clock.
      await Promise.all(params.map(([, p]) => p.data()));
      return (performance.now() - start) / 1000;
    },
    close() {},
  };
}

/** The compiled variant: `compile(step)` from @smoe/tensor, or why it cannot run. */
async function compiledVariant(spec: BenchModel): Promise<Variant | { missing: string }> {
  const compile = (tensorModule as Record<string, unknown>).compile;
  if (typeof compile !== 'function') return { missing: 'not available: @smoe/tensor has no compile() yet' };
  const { step, params } = trainingStep(spec);
  const variant = smoeVariant('compiled', spec, (compile as (fn: StepFunction) => StepFunction)(step), params);
  try {
    await variant.run(1); // traces and compiles
  } catch (error) {
    return { missing: `compile(step) failed: ${(error as Error).message}` };
  }
  return variant;
}

function languageModelConfig(spec: BenchModel): LanguageModelConfig {
  const { layers, modelDim, heads, ffDim, experts, topK, context } = spec;
  return { vocab: tokenizer.vocabSize, context, layers, modelDim, heads, ffDim, seed: optimisation.seed, moe: { experts, expertDim: ffDim, router: { strategy: 'tokenChoice', topK } } };
}

/** The PyTorch reference of the same model, or why it cannot run. */
async function pytorchVariant(spec: BenchModel): Promise<Variant | { missing: string }> {
  const tokens = join(tmpdir(), `smoe-bench-moby-dick-${process.pid}.i32`);
  writeFileSync(tokens, new Uint8Array(corpus.buffer, corpus.byteOffset, corpus.byteLength));
  const worker = await startPytorch({ workload: 'lm', vocab: tokenizer.vocabSize, ...spec, ...optimisation, totalSteps, tokens });
  if ('missing' in worker) return worker;
  return { name: 'pytorch', info: { torch: worker.torch, threads: worker.threads }, run: async (steps) => (await worker.run(steps)).seconds, close: () => worker.close() };
}

await setBackend(backendName);
for (const spec of models.filter((m) => wantedModels.includes(m.name))) {
  const shape = { model: spec.name, layers: spec.layers, modelDim: spec.modelDim, ffDim: spec.ffDim, experts: spec.experts, topK: spec.topK, batch: spec.batch, context: spec.context };
  const eager = trainingStep(spec);
  const variants: Variant[] = [smoeVariant('eager', spec, eager.step, eager.params)];
  for (const [name, made] of [['compiled', await compiledVariant(spec)], ['pytorch', await pytorchVariant(spec)]] as const) {
    if ('missing' in made) print({ ...shape, variant: name, skipped: made.missing });
    else variants.push(made);
  }
  for (const v of variants) await v.run(warmupSteps);
  const seconds = new Map(variants.map((v) => [v.name, 0]));
  for (let r = 0; r < rounds; r++) for (const v of variants) seconds.set(v.name, (seconds.get(v.name) as number) + (await v.run(stepsPerRound)));
  const timed = rounds * stepsPerRound;
  const tokensPerSecond = new Map(variants.map((v) => [v.name, (timed * spec.batch * spec.context) / (seconds.get(v.name) as number)]));
  for (const v of variants) {
    print({ ...shape, variant: v.name, ...v.info, steps: timed, tokensPerSecond: Math.round(tokensPerSecond.get(v.name) as number), msPerStep: round((1000 * (seconds.get(v.name) as number)) / timed) });
    v.close();
  }
  const torch = tokensPerSecond.get('pytorch');
  const ratio = (name: string): number | null => (torch && tokensPerSecond.has(name) ? round((tokensPerSecond.get(name) as number) / torch, 3) : null);
  print({ model: spec.name, summary: true, eagerOverPytorch: ratio('eager'), compiledOverPytorch: ratio('compiled'), target: 1 });
}
getBackend().destroy();
process.exit(0);

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
