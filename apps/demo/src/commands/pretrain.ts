/**
 * pretrain: trains a MoE language model (Moby Dick by default, or the State of the Union) or a
 * ViT-style MoE classifier (MNIST, or one of the digit tasks), and writes a run folder:
 * checkpoints/, metrics.jsonl, run.json and summary.json (validation loss and bits per
 * character or accuracy, tokens/s, expert-load balance, the settings).
 */
import { join } from 'node:path';
import { VisionTransformer, createModel, type LanguageModelBase } from '@smoe/moe';
import { AdamW, train, type FileStorage, type Schedule } from '@smoe/trainer/node';
import { helpText, parseFlags, UsageError } from '../args.js';
import { unigramBitsPerToken } from '../baseline.js';
import { claimRunFolder, fmt, learningRateSchedule, progressOption, summariseMetrics, useBackend, writeJson } from '../run.js';
import { buildSettings, defaultSettings, trainingFlags, type RunSettings } from '../settings.js';
import { corpusTokens, evaluateLanguageModel, evaluateVision, languageModelConfig, lmTrainingData, taskOf, visionBatches, visionConfig } from '../tasks.js';

const summary = 'Pre-trains a sparse MoE model: a decoder LM on text (moby-dick, sotu) or a ViT on images (mnist, digits0to4, digits5to9). With no flags: the embedded default, a small token-choice MoE LM on Moby Dick.';

/** Result of a pretraining run (also written to summary.json). */
export interface PretrainResult {
  command: 'pretrain';
  settings: RunSettings;
  backend: string;
  steps: number;
  seconds: number;
  parameters: number;
  validation: Record<string, number>;
  baseline?: Record<string, number>;
  tokensPerSecond?: number;
  routing: Record<string, number>;
  checkpoint?: string;
}

/** Runs pretraining with `settings` (the compare command calls this too). */
export async function runPretrain(requested: RunSettings, log: (line: string) => void = (l) => console.log(l)): Promise<PretrainResult> {
  const task = taskOf(requested.dataset);
  if (task === 'spam') throw new UsageError("pretrain: 'spam' is a fine-tuning set; pre-train on moby-dick or sotu, then 'pnpm demo finetune --from <run>'");
  // Everything that can be wrong is checked before any work: the run folder, the schedule, the evaluation size.
  const { schedule, settings } = learningRateSchedule(requested, log);
  const valTokens = task === 'lm' ? corpusTokens(settings.dataset, 'validation', settings.evalSize) : undefined;
  if (valTokens && valTokens.length < settings.context * settings.batch + 1) {
    throw new UsageError(`pretrain: --eval-size ${settings.evalSize} gives ${valTokens.length} validation tokens, fewer than one batch of --batch ${settings.batch} × --context ${settings.context} (+1); raise --eval-size (0: all) or lower --batch`);
  }
  const out = await claimRunFolder(settings, log);
  try {
    return await pretrainIn(out, settings, schedule, valTokens, log);
  } finally {
    await out.close();
  }
}

async function pretrainIn(out: FileStorage, settings: RunSettings, schedule: Schedule, valTokens: Int32Array | undefined, log: (line: string) => void): Promise<PretrainResult> {
  const task = taskOf(settings.dataset);
  const backend = await useBackend(settings.backend);
  const optimizer = new AdamW({ lr: settings.lr, weightDecay: settings.weightDecay });
  const common = {
    optimizer,
    schedule,
    steps: settings.steps,
    clipNorm: settings.clipNorm > 0 ? settings.clipNorm : undefined,
    evalEvery: settings.evalEvery,
    checkpointEvery: settings.checkpointEvery,
    out,
    overwrite: settings.overwrite,
    resume: settings.resume,
    seed: settings.seed,
    progress: progressOption(settings.progress),
  };
  const started = performance.now();
  let validation: Record<string, number>;
  let baseline: Record<string, number> | undefined;
  let parameters: number;
  let checkpoint: string | undefined;
  if (valTokens) {
    const model = createModel(languageModelConfig(settings)) as LanguageModelBase;
    parameters = model.parameterCount();
    log(`pretrain: ${settings.dataset}, router ${settings.router}, ${parameters} parameters, backend ${backend}, ${settings.steps} steps of ${settings.batch}×${settings.context} tokens`);
    const evaluate = async (m: LanguageModelBase) => {
      const r = await evaluateLanguageModel(m, valTokens, settings.context, settings.batch);
      return { loss: r.loss, bitsPerCharacter: r.bitsPerCharacter };
    };
    const result = await train(model, lmTrainingData(settings), { ...common, evaluate, tokensPerBatch: () => settings.batch * settings.context });
    checkpoint = result.checkpoint;
    validation = await evaluate(model);
    baseline = { unigramBitsPerCharacter: unigramBitsPerToken(corpusTokens(settings.dataset, 'train'), valTokens, 259) };
  } else {
    const model = new VisionTransformer(visionConfig(settings));
    parameters = model.parameterCount();
    log(`pretrain: ${settings.dataset}, router ${settings.router}, ${parameters} parameters, backend ${backend}, ${settings.steps} steps of ${settings.batch} images`);
    const evaluate = async (m: VisionTransformer) => ({ accuracy: (await evaluateVision(m, settings.dataset, settings.batch, settings.evalSize)).accuracy });
    const result = await train(model, visionBatches(settings), { ...common, evaluate, tokensPerBatch: () => settings.batch * (28 / settings.patch) ** 2 });
    checkpoint = result.checkpoint;
    validation = await evaluate(model);
  }
  const metrics = summariseMetrics(settings.out);
  const routing = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.startsWith('routing.')).map(([k, v]) => [k.slice(8), v]));
  const result: PretrainResult = {
    command: 'pretrain',
    settings,
    backend,
    steps: settings.steps,
    seconds: (performance.now() - started) / 1000,
    parameters,
    validation,
    baseline,
    tokensPerSecond: metrics.tokensPerSecond,
    routing,
    checkpoint,
  };
  await writeJson(join(settings.out, 'summary.json'), result);
  return result;
}

/** `pnpm demo pretrain [flags]`. */
export async function pretrain(argv: readonly string[]): Promise<void> {
  const flags = parseFlags('pretrain', argv, trainingFlags);
  if (flags.help) {
    process.stdout.write(helpText('pretrain', summary, trainingFlags, defaultSettings));
    return;
  }
  const r = await runPretrain(buildSettings(flags));
  const v = r.validation;
  console.log(`\ndone in ${fmt(r.seconds, 1)} s on ${r.backend}: ${r.steps} steps, ${fmt(r.tokensPerSecond, 0)} tokens/s`);
  if (v.bitsPerCharacter !== undefined) {
    console.log(`validation: ${fmt(v.bitsPerCharacter)} bits per character (unigram baseline ${fmt(r.baseline?.unigramBitsPerCharacter)}), loss ${fmt(v.loss)} nats`);
  } else {
    console.log(`validation accuracy: ${fmt(v.accuracy * 100, 2)} %`);
  }
  if (r.routing.loadCv !== undefined) console.log(`routing: load CV ${fmt(r.routing.loadCv)}, experts per token ${fmt(r.routing.expertsPerToken, 2)}, dropped ${fmt((r.routing.droppedFraction ?? 0) * 100, 2)} %`);
  console.log(`run folder: ${r.settings.out} (summary.json, metrics.jsonl, checkpoints/)`);
}
