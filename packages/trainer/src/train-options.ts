/**
 * The options of `train()`, their defaults, and their validation. Every option is named and
 * defaulted here, in one place; an invalid value throws a `TrainerError` naming the field, the
 * value and what is allowed, before anything is written. Browser-safe.
 */
import type { Rng } from '@smoe/tensor';
import type { OptimizerConfig } from './create-optimizer.js';
import type { DivergenceOptions } from './divergence.js';
import type { EarlyStoppingOptions } from './early-stopping.js';
import type { Optimizer } from './optimizer.js';
import type { ProgressBarOptions } from './progress-bar.js';
import type { RunStorage } from './run-storage.js';
import type { Schedule, ScheduleConfig } from './schedule.js';
import type { MetricValue, TrainableModel } from './types.js';
import { TrainerError, checkInteger, checkKeys, checkNumber, invalid } from './validate.js';

/** One training step's metrics line (also passed to `onStep`). */
export interface StepRecord {
  type: 'train';
  /** Updates done, this one included. */
  step: number;
  /** Mean loss over the step's micro-batches (aux losses included). */
  loss: number;
  /** Learning rate of this update. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Tokens in this step (when the model reports `tokens` or `tokensPerBatch` is set). */
  tokens?: number;
  /** tokens / step wall time. */
  tokensPerSecond?: number;
  /** Wall time of this step in seconds. */
  stepSeconds: number;
  /** The model's metrics (averaged over micro-batches). */
  [metric: string]: MetricValue | string | undefined;
}

/** Options of `train()` for batches of type `B` and a model of type `M`. */
export interface TrainOptions<B, M = TrainableModel<B>> {
  /** An optimizer instance, or a config such as `{ name: 'adamw', lr: 3e-4 }`. Required. */
  optimizer: Optimizer | OptimizerConfig;
  /** Learning-rate schedule. Default `constant()`. */
  schedule?: Schedule | ScheduleConfig;
  /** Total updates (a resumed run counts the ones already done). Required. */
  steps: number;
  /** Micro-batches per update; their losses are averaged. Default 1. */
  gradientAccumulation?: number;
  /** Clip the global gradient norm to this value. Default: no clipping (the norm is still logged). */
  clipNorm?: number;
  /** Validation: called with the model in eval mode; returns metrics (`{ loss, accuracy }`). */
  evaluate?: (model: M) => Promise<Record<string, number>>;
  /** Evaluate every this many steps. Default: `steps` (once, at the end). */
  evalEvery?: number;
  /** Stop when a validation metric stops improving (needs `evaluate`). */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Stop (or warn) when the loss runs past a multiple of its early value or the gradient norm
   * explodes (divergence.ts); `false` turns it off. Default `{ lossFactor: 4, gradNormFactor:
   * 100, window: 10, action: 'stop' }`.
   */
  divergence?: DivergenceOptions | false;
  /**
   * Run folder: checkpoints/, metrics.jsonl, run.json, written through a `RunStorage`
   * (`memoryStorage()`; `@smoe/trainer/node`'s `train` also takes a folder path). Default: none
   * (nothing is written).
   */
  out?: RunStorage;
  /** Save a checkpoint every this many steps (and always at the last step and on a stop). Default ceil(steps / 10). */
  checkpointEvery?: number;
  /** Step checkpoints to keep (oldest deleted first); 0 keeps all. Default 3. */
  keepCheckpoints?: number;
  /** Continue the run in `out`: true for its latest checkpoint, or a checkpoint (a name in `out`, or a path). Default false. */
  resume?: boolean | string;
  /** Start over in a non-empty `out`, deleting its metrics and checkpoints. Default false. */
  overwrite?: boolean;
  /** Seeds the global generator before a fresh (not resumed) run. Default: leave it as it is. */
  seed?: number;
  /** Generators the model owns besides the global one, saved and restored by name. Default {}. */
  rngs?: Record<string, Rng>;
  /** Write a metrics line every this many steps. Default 1. */
  logEvery?: number;
  /** Human-readable messages (resume, evaluations, checkpoints). Default: the progress bar's stream (stderr). */
  log?: (line: string) => void;
  /**
   * Show a progress bar on stderr (plain lines when it is not a terminal), or not (false); an
   * object sets the bar's options (`{ tty: false }`: plain lines even on a terminal). Default true.
   */
  progress?: boolean | ProgressOptions;
  /** Called after every step with its metrics. */
  onStep?: (record: StepRecord) => void | Promise<void>;
  /** Tokens in a batch, for tokens/s, when the model's metrics do not report `tokens`. */
  tokensPerBatch?: (batch: B) => number;
  /** Stops training at the next step boundary, saving a checkpoint. */
  signal?: AbortSignal;
}

/** The progress bar's options that `train()` passes through (it sets `total` itself). */
export type ProgressOptions = Omit<ProgressBarOptions, 'total'>;

/** Options with defaults filled in. */
export interface ResolvedTrainOptions {
  steps: number;
  gradientAccumulation: number;
  clipNorm: number;
  evalEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  /** The progress bar's options, or false for none. */
  progress: ProgressOptions | false;
}

const KEYS = [
  'optimizer', 'schedule', 'steps', 'gradientAccumulation', 'clipNorm', 'evaluate', 'evalEvery', 'earlyStopping', 'divergence', 'out',
  'checkpointEvery', 'keepCheckpoints', 'resume', 'overwrite', 'seed', 'rngs', 'logEvery', 'log', 'progress', 'onStep',
  'tokensPerBatch', 'signal',
] as const;

const STORAGE_METHODS = ['open', 'close', 'list', 'read', 'write', 'append', 'remove', 'path'] as const;

function isRunStorage(value: unknown): value is RunStorage {
  return typeof value === 'object' && value !== null && STORAGE_METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') invalid('train', field, value, 'a function');
}

/** Validates `options` and fills in the defaults. */
export function resolveTrainOptions<B, M>(options: TrainOptions<B, M>): ResolvedTrainOptions {
  const where = 'train';
  if (typeof options !== 'object' || options === null) invalid(where, 'options', options, 'an object');
  checkKeys(where, options, KEYS);
  if (options.optimizer === undefined) throw new TrainerError("train: optimizer is required (an Optimizer, or a config like { name: 'adamw', lr: 3e-4 })", { field: 'optimizer', value: undefined, allowed: 'an Optimizer or an optimizer config' });
  const steps = checkInteger(where, 'steps', options.steps, 1);
  const gradientAccumulation = checkInteger(where, 'gradientAccumulation', options.gradientAccumulation ?? 1, 1);
  const clipNorm = options.clipNorm === undefined ? Infinity : checkNumber(where, 'clipNorm', options.clipNorm, 0, Infinity, { min: true });
  const evalEvery = checkInteger(where, 'evalEvery', options.evalEvery ?? steps, 1);
  checkFunction('evaluate', options.evaluate);
  if (options.earlyStopping && !options.evaluate) {
    throw new TrainerError('train: earlyStopping needs evaluate (a function returning validation metrics)', { field: 'earlyStopping', value: options.earlyStopping, allowed: 'only with evaluate' });
  }
  if (options.out !== undefined && !isRunStorage(options.out)) invalid(where, 'out', options.out, "a RunStorage (memoryStorage(), fileStorage(folder)), or a folder path with @smoe/trainer/node's train");
  for (const field of ['checkpointEvery', 'resume', 'overwrite', 'keepCheckpoints'] as const) {
    if (options[field] !== undefined && options[field] !== false && options.out === undefined) {
      throw new TrainerError(`train: ${field} needs out (a run folder to write checkpoints to)`, { field, value: options[field], allowed: 'only with out' });
    }
  }
  const checkpointEvery = checkInteger(where, 'checkpointEvery', options.checkpointEvery ?? Math.ceil(steps / 10), 1);
  const keepCheckpoints = checkInteger(where, 'keepCheckpoints', options.keepCheckpoints ?? 3, 0);
  if (options.resume !== undefined && typeof options.resume !== 'boolean' && (typeof options.resume !== 'string' || options.resume.length === 0)) {
    invalid(where, 'resume', options.resume, 'true | false | a checkpoint path');
  }
  if (options.overwrite !== undefined && typeof options.overwrite !== 'boolean') invalid(where, 'overwrite', options.overwrite, 'true | false');
  if (options.seed !== undefined) checkNumber(where, 'seed', options.seed, -Infinity, Infinity);
  const logEvery = checkInteger(where, 'logEvery', options.logEvery ?? 1, 1);
  for (const field of ['log', 'onStep', 'tokensPerBatch'] as const) checkFunction(field, options[field]);
  const progress = options.progress ?? true;
  if (typeof progress !== 'boolean' && (typeof progress !== 'object' || progress === null)) invalid(where, 'progress', progress, 'true | false | the progress bar\'s options ({ tty, stream, every, … })');
  return { steps, gradientAccumulation, clipNorm, evalEvery, checkpointEvery, keepCheckpoints, logEvery, progress: progress === true ? {} : progress };
}
