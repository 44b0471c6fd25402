/**
 * finetune: continues from a pre-trained checkpoint on a downstream task.
 * - A language model → SpamAssassin ham/spam: a classification head over the pooled hidden
 *   states of the pre-trained body (mean by default; --pool max or last). A VQMoE model
 *   switches to the paper's fine-tuning regime: the conventional router path is dropped and
 *   tokens route by their discrete code.
 * - A ViT → the second vision task (digits 5–9 by default): the body is kept, the class head is
 *   re-initialised for the new classes.
 * Messages are read whole up to --context characters (default 1024), in chunks of the
 * pre-trained model's context pooled together (SequenceClassifier).
 * Reports accuracy (and F1 of the spam class) on the test split; writes a run folder.
 */
import { join } from 'node:path';
import { LanguageModel, LanguageModelBase, SequenceClassifier, VisionTransformer, poolings, type Pooling } from '@smoe/moe';
import { AdamW, train, type FileStorage, type Schedule } from '@smoe/trainer/node';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { claimRunFolder, fmt, learningRateSchedule, loadModel, progressOption, summariseMetrics, useBackend, writeJson } from '../run.js';
import { buildSettings, defaultSettings, modelShapeFlags, trainingFlags, trainingSettings, type RunSettings, type TrainingSettings } from '../settings.js';
import { evaluateClassifier, evaluateVision, spamBatches, visionBatches } from '../tasks.js';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'pre-trained checkpoint file or run folder (required)' },
  pool: { type: 'string', help: "how a message's hidden states become one vector for the class head: mean, max (feature by feature) or last (default mean)", choices: poolings },
  dropout: { type: 'number', help: 'dropout while fine-tuning a language model: residual and embedding dropout in the body and on the pooled vector (default 0)' },
  'lm-weight': { type: 'number', help: "weight of an auxiliary next-character loss on the messages' own text while fine-tuning a language model (GPT-1's λ, 0.5 there; default 0: off)" },
  // The model's shape (--router, --layers, …) comes from the checkpoint.
  ...Object.fromEntries(Object.entries(trainingFlags).filter(([flag]) => !modelShapeFlags.includes(flag))),
};

const summary = 'Fine-tunes a pre-trained checkpoint: a language model on SpamAssassin (ham/spam), or a ViT on a second vision task (digits5to9 by default). VQMoE models fine-tune in the discrete-routing regime.';

/**
 * Fine-tuning defaults: shorter than pretraining, at the pre-training peak rate (on the study's
 * dense model, 150 steps of 512 characters: 87.4 % test accuracy at 1e-3, 90.2 % at 3e-3, 88.3 % at 1e-2).
 */
export const finetuneDefaults: RunSettings = { ...defaultSettings, dataset: 'spam', steps: 150, lr: 3e-3, warmup: 15, context: 1024, batch: 8, evalEvery: 50, evalSize: 200, checkpointEvery: 50, out: 'runs/finetune' };

/** Result of a fine-tuning run (also written to summary.json). */
export interface FinetuneResult {
  command: 'finetune';
  from: string;
  /** The training settings used; the model's shape is in `model`. */
  settings: TrainingSettings;
  /** The fine-tuned model's configuration (its body's shape and router come from the checkpoint). */
  model: unknown;
  backend: string;
  regime?: string;
  /** How the hidden states were pooled (language models). */
  pool?: Pooling;
  /** Weight of the auxiliary next-character loss (language models). */
  lmWeight?: number;
  /** Dropout while fine-tuning (language models). */
  dropout?: number;
  test: Record<string, number>;
  seconds: number;
  tokensPerSecond?: number;
}

/** Options of a language model's fine-tuning that are not training settings. */
export interface FinetuneOptions {
  /** How the class head reads a message's hidden states. Default 'mean'. */
  pool?: Pooling;
  /** Weight of the auxiliary next-character loss (SequenceClassifier's lmWeight). Default 0. */
  lmWeight?: number;
  /** Dropout in the body (residual, embedding) and on the pooled vector. Default 0. */
  dropout?: number;
}

/** Runs fine-tuning from `from` with `settings`. */
export async function runFinetune(from: string, requested: RunSettings, log: (line: string) => void = (l) => console.log(l), options: FinetuneOptions = {}): Promise<FinetuneResult> {
  // Checked before any training: the checkpoint, the schedule, the run folder.
  const backend = await useBackend(requested.backend);
  const { model: pretrained, path } = await loadModel(from);
  if (pretrained instanceof LanguageModelBase && requested.dataset !== 'spam') throw new UsageError(`finetune: a language model fine-tunes on 'spam', not '${requested.dataset}'`);
  if (pretrained instanceof VisionTransformer && (requested.dataset === 'moby-dick' || requested.dataset === 'sotu')) {
    throw new UsageError(`finetune: ${path} holds a ViT; fine-tune it on an image set (mnist, digits0to4, digits5to9), not '${requested.dataset}'`);
  }
  const { schedule, settings } = learningRateSchedule(requested, log);
  const out = await claimRunFolder(settings, log);
  try {
    return await finetuneIn(out, pretrained, path, backend, settings, schedule, log, { pool: options.pool ?? 'mean', lmWeight: options.lmWeight ?? 0, dropout: options.dropout ?? 0 });
  } finally {
    await out.close();
  }
}

async function finetuneIn(out: FileStorage, pretrained: Awaited<ReturnType<typeof loadModel>>['model'], path: string, backend: string, settings: RunSettings, schedule: Schedule, log: (line: string) => void, { pool, lmWeight, dropout }: Required<FinetuneOptions>): Promise<FinetuneResult> {
  const optimizer = new AdamW({ lr: settings.lr, weightDecay: settings.weightDecay });
  const common = { optimizer, schedule, steps: settings.steps, clipNorm: settings.clipNorm > 0 ? settings.clipNorm : undefined, evalEvery: settings.evalEvery, checkpointEvery: settings.checkpointEvery, out, overwrite: settings.overwrite, resume: settings.resume, seed: settings.seed, progress: progressOption(settings.progress) };
  const started = performance.now();
  let test: Record<string, number>;
  let regime: string | undefined;
  let config: unknown;
  if (pretrained instanceof LanguageModelBase) {
    // Messages are read up to settings.context characters, in chunks of the pre-trained context.
    const model = await SequenceClassifier.fromPretrained(pretrained, { classes: 2, pool, lmWeight, dropout, bodyDropout: dropout, seed: settings.seed });
    if (pretrained instanceof LanguageModel && pretrained.config.moe?.vq) {
      model.setRegime('discrete');
      regime = 'discrete';
    }
    log(`finetune: ${path} → SpamAssassin, ${model.parameterCount()} parameters, ${pool} pooling${lmWeight > 0 ? `, next-character loss × ${lmWeight}` : ''}${dropout > 0 ? `, dropout ${dropout}` : ''}, backend ${backend}${regime ? ', VQMoE discrete regime' : ''}`);
    const evaluate = async (m: SequenceClassifier) => evaluateClassifier(m, 'validation', settings, settings.evalSize).then(({ accuracy, f1 }) => ({ accuracy, f1 }));
    await train(model, spamBatches('train', settings, true), { ...common, evaluate, tokensPerBatch: () => settings.batch * settings.context });
    test = await evaluateClassifier(model, 'test', settings);
    config = model.config;
  } else if (pretrained instanceof VisionTransformer) {
    const dataset = settings.dataset === 'spam' ? 'digits5to9' : settings.dataset;
    const s = { ...settings, dataset } as RunSettings;
    const classes = dataset === 'mnist' ? 10 : 5;
    const model = new VisionTransformer({ ...pretrained.config, classes, seed: settings.seed });
    const old = new Map(pretrained.namedParameters());
    const fresh: string[] = [];
    for (const [name, p] of model.namedParameters()) {
      const q = old.get(name);
      if (q && q.shape.join() === p.shape.join()) p.assign(q);
      else fresh.push(name);
    }
    model.loadBuffers(await pretrained.buffers());
    if (pretrained.config.moe?.vq) {
      model.setRegime('discrete');
      regime = 'discrete';
    }
    log(`finetune: ${path} → ${dataset}, re-initialised ${fresh.join(', ')}, backend ${backend}${regime ? ', VQMoE discrete regime' : ''}`);
    const evaluate = async (m: VisionTransformer) => ({ accuracy: (await evaluateVision(m, dataset, s.batch, s.evalSize)).accuracy });
    await train(model, visionBatches(s), { ...common, evaluate, tokensPerBatch: () => s.batch * (28 / model.config.patch) ** 2 });
    test = await evaluateVision(model, dataset, s.batch);
    config = model.config;
  } else {
    throw new UsageError(`finetune: ${path} holds a ${pretrained.constructor.name}; fine-tune a pre-trained language model or ViT`);
  }
  const metrics = summariseMetrics(settings.out);
  const result: FinetuneResult = { command: 'finetune', from: path, settings: trainingSettings(settings), model: config, backend, regime, ...(pretrained instanceof LanguageModelBase ? { pool, lmWeight, dropout } : {}), test, seconds: (performance.now() - started) / 1000, tokensPerSecond: metrics.tokensPerSecond };
  await writeJson(join(settings.out, 'summary.json'), result);
  return result;
}

/** `pnpm demo finetune --from <checkpoint> [flags]`. */
export async function finetune(argv: readonly string[]): Promise<void> {
  const shape = argv.find((a) => a.startsWith('--') && modelShapeFlags.includes(a.slice(2).split('=')[0]!));
  if (shape) throw new UsageError(`finetune: ${shape.split('=')[0]} sets the model's shape, which a fine-tuning run takes from its checkpoint (--from); give it to 'pnpm demo pretrain' instead`);
  const parsed = parseFlags('finetune', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('finetune', summary, flags, finetuneDefaults));
    return;
  }
  if (typeof parsed.from !== 'string') throw new UsageError("finetune: --from <checkpoint or run folder> is required (e.g. --from runs/pretrain)");
  const { from, pool, 'lm-weight': lmWeight, dropout, ...rest } = parsed;
  const r = await runFinetune(from, buildSettings(rest, finetuneDefaults), undefined, { pool: pool as Pooling | undefined, lmWeight: lmWeight as number | undefined, dropout: dropout as number | undefined });
  console.log(`\ndone in ${fmt(r.seconds, 1)} s: test accuracy ${fmt(r.test.accuracy * 100, 2)} %${r.test.f1 !== undefined ? `, F1 (spam) ${fmt(r.test.f1)}` : ''} on ${r.test.examples} examples`);
  console.log(`run folder: ${r.settings.out}`);
}
