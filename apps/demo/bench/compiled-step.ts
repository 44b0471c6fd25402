/**
 * The demo's default model trained by the eager and the compiled step side by side, in one
 * process: the same initial weights and batches, alternating blocks of steps, tokens/s of each
 * and their ratio as JSON lines, and the largest loss difference between the two runs.
 *
 *   node --conditions=@smoe/source --import tsx apps/demo/bench/compiled-step.ts [--steps 40] [--block 5] [--router tokenChoice] [--backend webasm] [--no-threads]
 */
import { parseArgs } from 'node:util';
import { setBackend, seed } from '@smoe/tensor';
import '@smoe/tensor/node';
import { LanguageModel, type LanguageModelConfig } from '@smoe/moe';
import { AdamW, CompiledTrainStep, eagerStep, type StepInput } from '@smoe/trainer';
import { defaultSettings, buildSettings } from '../src/settings.js';
import { languageModelConfig, lmTrainingData } from '../src/tasks.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '40' }, block: { type: 'string', default: '5' }, router: { type: 'string', default: 'tokenChoice' }, backend: { type: 'string', default: 'webasm' }, threads: { type: 'boolean', default: true } }, allowNegative: true });
const steps = Number(values.steps);
const block = Number(values.block);
await setBackend(values.backend, { threads: values.threads });
const settings = buildSettings({ router: values.router } as never, defaultSettings);
const tokens = settings.batch * settings.context;

function side() {
  seed(settings.seed);
  const model = new LanguageModel(languageModelConfig(settings) as LanguageModelConfig);
  model.train();
  const data = lmTrainingData(settings);
  const optimizer = new AdamW({ lr: settings.lr, weightDecay: settings.weightDecay });
  const parameters = model.namedParameters();
  return {
    model,
    input: (): StepInput<never> => ({ model: model as never, batches: [(data.next() as IteratorResult<never, never>).value], optimizer, parameters, lr: settings.lr, clipNorm: settings.clipNorm }),
  };
}
const eager = side();
const compiled = side();
const step = new CompiledTrainStep();
const time = { eager: 0, compiled: 0 };
let maxLossDiff = 0;
for (let done = 0; done < steps; done += block) {
  const losses: Record<string, number[]> = { eager: [], compiled: [] };
  for (const which of ['eager', 'compiled'] as const) {
    const start = performance.now();
    for (let i = 0; i < block; i++) {
      const outcome = which === 'eager' ? await eagerStep(eager.input()) : await step.run(compiled.input());
      if (outcome.status !== 'updated') throw new Error(`${which} step: ${outcome.status}`);
      losses[which].push(outcome.loss);
    }
    if (done > 0) time[which] += performance.now() - start; // the first block compiles
  }
  for (let i = 0; i < block; i++) maxLossDiff = Math.max(maxLossDiff, Math.abs(losses.eager[i] - losses.compiled[i]));
  console.log(JSON.stringify({ steps: done + block, eagerLoss: losses.eager.at(-1), compiledLoss: losses.compiled.at(-1), executorKind: step.executorKind, parts: step.parts, compilations: step.compilations, fallbackReason: step.fallbackReason }));
}
const measured = steps - block;
const eagerRate = (measured * tokens) / (time.eager / 1000);
const compiledRate = (measured * tokens) / (time.compiled / 1000);
console.log(JSON.stringify({ model: 'demo default', router: values.router, backend: values.backend, threads: values.threads, stepsMeasured: measured, eagerTokensPerSecond: Math.round(eagerRate), compiledTokensPerSecond: Math.round(compiledRate), ratio: +(compiledRate / eagerRate).toFixed(2), maxLossDiff }));
process.exit(0);
