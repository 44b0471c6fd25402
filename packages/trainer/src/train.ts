/**
 * The training loop, in named steps that read top to bottom:
 *
 *   start          a fresh run (seed, run.json) or a resume (checkpoint, metrics cut to it)
 *   each step      the micro-batches → one step (train-step.ts: losses, backward, clipping,
 *                  optimizer update) → non-finite check → metrics line, progress, onStep
 *                  → evaluation and early stopping (every evalEvery)
 *                  → checkpoint (every checkpointEvery, at the last step, and on any stop)
 *
 * A checkpoint holds the parameters, optimizer moments, step, generator states, the data
 * iterator's position and the early-stopping state, so a run that is stopped and resumed
 * computes exactly what one that never stopped computes. Browser-safe: files go through a
 * `RunStorage` (`out`); `@smoe/trainer/node`'s `train` takes a folder path.
 */
import { seed as seedGlobalRng, type Tensor } from '@smoe/tensor';
import { applyCheckpoint, captureCheckpoint, decodeCheckpoint, NonFiniteTensorError } from './checkpoint.js';
import { createOptimizer } from './create-optimizer.js';
import { DivergenceCheck, type DivergenceState } from './divergence.js';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';
import { canonicalJson } from './json.js';
import { metricsLine, truncateMetrics, type MetricsRecord } from './metrics.js';
import type { Optimizer } from './optimizer.js';
import { errorStream, formatNumber, ProgressBar } from './progress-bar.js';
import { checkpointName, prepareRunFolder, pruneCheckpoints, RUN_FILES } from './run-folder.js';
import type { RunStorage } from './run-storage.js';
import { constant, createSchedule, type Schedule } from './schedule.js';
import { eagerStep, type StepOutcome, type UpdatedStep } from './train-step.js';
import { CompiledTrainStep } from './compiled-step.js';
import { resolveTrainOptions, type ResolvedTrainOptions, type StepRecord, type TrainOptions } from './train-options.js';
import type { BatchOf, DataSource, TrainableModel } from './types.js';
import { TrainerError } from './validate.js';

/** Why a run stopped early: the step it stopped at and the last checkpoint written before it. */
export class TrainingStoppedError extends TrainerError {
  /** The step (1-based) whose values stopped the run. */
  readonly step: number;
  /** The last checkpoint written before it, if any. */
  readonly lastCheckpoint: string | undefined;

  constructor(message: string, step: number, lastCheckpoint: string | undefined) {
    super(message);
    this.name = new.target.name;
    this.step = step;
    this.lastCheckpoint = lastCheckpoint;
  }
}

/** Thrown when the loss, the gradient norm or the parameters stop being finite. */
export class NonFiniteError extends TrainingStoppedError {}

/** Thrown when the loss or the gradient norm runs away (see divergence.ts) and `divergence.action` is 'stop'. */
export class DivergenceError extends TrainingStoppedError {}

/** Why training ended. */
export type StopReason = 'completed' | 'early-stopping' | 'data-exhausted' | 'aborted';

/** What `train()` returns. */
export interface TrainSummary {
  /** Updates done in total (a resumed run includes the earlier ones). */
  step: number;
  stopReason: StopReason;
  /** The checkpoint this run resumed from. */
  resumedFrom?: { path: string; step: number };
  /** Loss of the last step run here. */
  loss?: number;
  /** The last evaluation's metrics. */
  lastEval?: Record<string, number>;
  /** Best value of the early-stopping metric. */
  best?: { metric: string; value: number; step: number };
  /** The last checkpoint written (or resumed from). */
  checkpoint?: string;
  /** The checkpoint of the best evaluation (with early stopping). */
  bestCheckpoint?: string;
  /** Tokens trained on (counted when reported). */
  tokens: number;
  /** Wall time of this call. */
  seconds: number;
}

/** Trainer state stored in checkpoints. */
interface TrainerState {
  tokens: number;
  earlyStopping: EarlyStoppingState | null;
  bestCheckpoint: string | null;
  divergence?: DivergenceState | null;
}

const RESERVED = new Set(['type', 'step', 'loss', 'lr', 'gradNorm', 'tokensPerSecond', 'stepSeconds']);

function unwrap<B>(result: B | IteratorResult<B, unknown>): { done: true } | { done: false; value: B } {
  if (result !== null && typeof result === 'object' && 'done' in result && typeof result.done === 'boolean' && Object.keys(result).every((k) => k === 'done' || k === 'value')) {
    return result.done ? { done: true } : { done: false, value: (result as IteratorYieldResult<B>).value };
  }
  return { done: false, value: result as B };
}

/**
 * Trains `model` on batches from `data` (see the file header and `TrainOptions`), writing
 * checkpoints and metrics to `options.out` when given. Resolves with a summary.
 */
export async function train<M extends TrainableModel<never>>(model: M, data: DataSource<BatchOf<M>>, options: TrainOptions<BatchOf<M>, M>): Promise<TrainSummary> {
  const run: TrainingRun<BatchOf<M>> = new TrainingRun(model as unknown as TrainableModel<BatchOf<M>>, data, options as TrainOptions<BatchOf<M>, TrainableModel<BatchOf<M>>>);
  try {
    await run.start();
    if (run.nothingToTrain()) return run.summary();
    model.train();
    while (run.step < run.o.steps && !run.stopReason) {
      if (options.signal?.aborted) {
        run.stopReason = 'aborted';
        break;
      }
      const stepStart = performance.now();
      const batches = run.nextBatches();
      if (!batches) break;
      const outcome = await run.trainStep(batches);
      if (outcome.status !== 'updated') throw await run.nonFinite(outcome);
      await run.record(outcome, batches, stepStart);
      await run.checkDivergence(outcome);
      await run.evaluateIfDue();
      await run.checkpointIfDue();
    }
    await run.finish();
  } finally {
    await run.close();
  }
  return run.summary();
}

/** One call of `train()`: its state and its named steps. */
class TrainingRun<B> {
  readonly o: ResolvedTrainOptions;
  step = 0;
  stopReason: StopReason | undefined;
  private readonly startTime = performance.now();
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  private readonly early: EarlyStopping | undefined;
  private readonly divergence: DivergenceCheck | undefined;
  private warnedDivergence = false;
  private readonly parameters: Array<[string, Tensor]>;
  private readonly bar: ProgressBar | undefined;
  private readonly log: (line: string) => void;
  private storage: RunStorage | undefined;
  private tokensSeen = 0;
  private lastCheckpoint: string | undefined;
  private bestCheckpoint: string | undefined;
  private resumedFrom: TrainSummary['resumedFrom'];
  private savedStep = -1;
  private lastLoss: number | undefined;
  private lastEval: Record<string, number> | undefined;
  private readonly compiled: CompiledTrainStep | undefined;

  constructor(
    private readonly model: TrainableModel<B>,
    private readonly data: DataSource<B>,
    private readonly options: TrainOptions<B, TrainableModel<B>>,
  ) {
    this.o = resolveTrainOptions(options);
    this.optimizer = createOptimizer(options.optimizer);
    this.schedule = createSchedule(options.schedule ?? constant());
    this.early = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : undefined;
    this.divergence = options.divergence === false ? undefined : new DivergenceCheck(options.divergence);
    this.parameters = model.namedParameters();
    this.compiled = options.compile === false ? undefined : new CompiledTrainStep();
    if (this.parameters.length === 0) throw new TrainerError('train: the model has no parameters (leaf tensors with requiresGrad)');
    if (typeof model.loss !== 'function') throw new TrainerError('train: the model has no loss(batch) method');
    this.bar = this.o.progress ? new ProgressBar({ ...this.o.progress, total: this.o.steps }) : undefined;
    const stream = errorStream();
    this.log = options.log ?? ((line: string) => (this.bar ? this.bar.log(line) : stream.write(`${line}\n`)));
  }

  /** Start: opens and checks the run folder, then resumes from its checkpoint or begins afresh. */
  async start(): Promise<void> {
    const { out, resume, overwrite } = this.options;
    let resumeFrom: string | undefined;
    if (out) {
      await out.open(this.log);
      this.storage = out;
      resumeFrom = await prepareRunFolder(out, { resume, overwrite });
    }
    if (resumeFrom) await this.resume(resumeFrom);
    else await this.begin();
  }

  /** Resume: restores everything the checkpoint holds and cuts the metrics back to its step. */
  private async resume(name: string): Promise<void> {
    const storage = this.storage!;
    const path = storage.path(name);
    const bytes = await storage.read(name);
    if (!bytes) throw new TrainerError(`train: no checkpoint at '${path}' to resume from`, { field: 'resume', value: this.options.resume, allowed: 'true, or the path of a checkpoint file' });
    const checkpoint = decodeCheckpoint(bytes, path);
    applyCheckpoint(checkpoint, { model: this.model, optimizer: this.optimizer, data: this.data, rngs: this.options.rngs ?? {} }, path);
    this.step = checkpoint.step;
    const saved = (checkpoint.trainer ?? {}) as Partial<TrainerState>;
    this.tokensSeen = saved.tokens ?? 0;
    this.bestCheckpoint = saved.bestCheckpoint ?? undefined;
    if (this.early && saved.earlyStopping) this.early.restore(saved.earlyStopping);
    if (this.divergence && saved.divergence) this.divergence.restore(saved.divergence);
    this.lastCheckpoint = path;
    this.resumedFrom = { path, step: this.step };
    this.savedStep = this.step;
    if (checkpoint.schedule && canonicalJson(checkpoint.schedule) !== canonicalJson(this.schedule.config)) {
      this.log(`warning: the checkpoint was trained with schedule ${JSON.stringify(checkpoint.schedule)}, this run uses ${JSON.stringify(this.schedule.config)}`);
    }
    await truncateMetrics(storage, this.step);
    this.log(`resumed from ${path} at step ${this.step}`);
  }

  /** Begin: a fresh run seeds the global generator and writes run.json. */
  private async begin(): Promise<void> {
    const { storage, options, o } = this;
    if (storage && options.resume === true) {
      this.log(`no checkpoint in ${storage.path(RUN_FILES.checkpoints)}; starting from step 0`);
      await truncateMetrics(storage, 0);
    }
    if (options.seed !== undefined) seedGlobalRng(options.seed);
    if (!storage) return;
    const description = {
      modelConfig: this.model.config,
      optimizer: { name: this.optimizer.name, ...this.optimizer.config() },
      schedule: this.schedule.config,
      steps: o.steps,
      gradientAccumulation: o.gradientAccumulation,
      clipNorm: Number.isFinite(o.clipNorm) ? o.clipNorm : null,
      evalEvery: options.evaluate ? o.evalEvery : null,
      earlyStopping: options.earlyStopping ?? null,
      checkpointEvery: o.checkpointEvery,
      seed: options.seed ?? null,
      parameters: this.model.parameterCount(),
    };
    await storage.write(RUN_FILES.run, new TextEncoder().encode(`${JSON.stringify(description, null, 2)}\n`));
  }

  /** True (after saying why) when a resumed run is already complete or early-stopped. */
  nothingToTrain(): boolean {
    if (this.step >= this.o.steps) {
      this.log(`already at step ${this.step} of ${this.o.steps}; nothing to train`);
      this.stopReason = 'completed';
      return true;
    }
    if (this.early?.shouldStop) {
      this.log(`early stopping had already stopped this run at step ${this.step}; nothing to train`);
      this.stopReason = 'early-stopping';
      return true;
    }
    return false;
  }

  /** The next step's micro-batches; undefined (after saying so) when the data source is exhausted. */
  nextBatches(): B[] | undefined {
    const batches: B[] = [];
    for (let micro = 0; micro < this.o.gradientAccumulation; micro++) {
      const next = unwrap(this.data.next());
      if (next.done) {
        this.stopReason = 'data-exhausted';
        this.log(`the data source is exhausted after step ${this.step}`);
        return undefined;
      }
      batches.push(next.value);
    }
    return batches;
  }

  /** One step (train-step.ts) at the scheduled learning rate of update `step + 1`. */
  async trainStep(batches: B[]): Promise<StepOutcome> {
    this.model.setProgress?.(this.step, this.o.steps);
    const lr = this.optimizer.lr * this.schedule.factor(this.step + 1);
    const input = { model: this.model, batches, optimizer: this.optimizer, parameters: this.parameters, lr, clipNorm: this.o.clipNorm };
    if (!this.compiled) return eagerStep(input);
    const wasCompiled = this.compiled.fallbackReason === null;
    const outcome = await this.compiled.run(input);
    const compiled = this.compiled.fallbackReason === null;
    if (wasCompiled && !compiled) this.log(`step ${this.step + 1}: running eagerly: ${this.compiled.fallbackReason}`);
    if (!wasCompiled && compiled) this.log(`step ${this.step + 1}: compiled again from the next step`);
    return outcome;
  }

  /** Non-finite check: the error for a step whose loss or gradient norm was not finite (no update was made); its line goes to the metrics. */
  async nonFinite(outcome: Exclude<StepOutcome, UpdatedStep>): Promise<NonFiniteError> {
    const target = this.step + 1;
    let what: string;
    if (outcome.status === 'non-finite-loss') {
      const where = this.o.gradientAccumulation > 1 ? ` (micro-batch ${outcome.microBatch + 1} of ${this.o.gradientAccumulation})` : '';
      what = `the loss is ${outcome.loss} at step ${target}${where}`;
    } else {
      what = `the gradient norm is ${outcome.gradNorm} at step ${target} (the loss was finite)`;
    }
    const error = new NonFiniteError(`train: ${what}; training stopped before updating the parameters. ${this.describeLastCheckpoint()}`, target, this.lastCheckpoint);
    await this.writeMetrics({ type: 'error', step: target, message: error.message });
    return error;
  }

  private async writeMetrics(record: MetricsRecord): Promise<void> {
    await this.storage?.append(RUN_FILES.metrics, metricsLine(record));
  }

  private describeLastCheckpoint(): string {
    if (!this.storage) return 'Nothing was saved (no out folder was given).';
    const last = this.lastCheckpoint;
    if (!last) return 'No checkpoint had been saved yet.';
    return `The last good checkpoint is ${last}; it is intact. Resume from it (resume: '${last}') with a lower learning rate, clipNorm, or after checking the data.`;
  }

  /** Metrics line, progress bar and onStep for an update. */
  async record(outcome: UpdatedStep, batches: B[], stepStart: number): Promise<void> {
    const { options, o } = this;
    this.step++;
    const lr = this.optimizer.lr * this.schedule.factor(this.step);
    const stepSeconds = (performance.now() - stepStart) / 1000;
    const { metrics } = outcome;
    const counted = options.tokensPerBatch ? batches.reduce((sum, batch) => sum + options.tokensPerBatch!(batch), 0) : undefined;
    const tokens = metrics.reportedTokens ? metrics.tokens : counted;
    this.tokensSeen += tokens ?? 0;
    this.lastLoss = outcome.loss;
    const modelMetrics = metrics.mean();
    const clash = Object.keys(modelMetrics).find((k) => RESERVED.has(k));
    if (clash) throw new TrainerError(`train: the model reports a metric named '${clash}', which the trainer's metrics line reserves; rename it (reserved: ${[...RESERVED].join(', ')})`);
    const record: StepRecord = {
      type: 'train',
      step: this.step,
      loss: outcome.loss,
      lr,
      gradNorm: outcome.gradNorm,
      ...(tokens !== undefined ? { tokens, tokensPerSecond: tokens / stepSeconds } : {}),
      stepSeconds,
      ...modelMetrics,
    };
    if (this.step % o.logEvery === 0 || this.step === o.steps) await this.writeMetrics(record);
    this.bar?.update(this.step, { loss: outcome.loss, lr, 'tok/s': record.tokensPerSecond });
    await options.onStep?.(record);
  }

  /** Divergence check: a runaway loss or gradient norm stops the run (or warns once), with the last good checkpoint. */
  async checkDivergence(outcome: UpdatedStep): Promise<void> {
    const why = this.divergence?.update(this.step, outcome.loss, outcome.gradNorm);
    if (!why) return;
    if (this.divergence!.action === 'warn') {
      if (!this.warnedDivergence) this.log(`warning: training is diverging: ${why}. Lower the learning rate or set clipNorm; this run goes on (divergence.action 'warn').`);
      this.warnedDivergence = true;
      return;
    }
    const error = new DivergenceError(`train: training diverged: ${why}; stopped before saving this state. ${this.describeLastCheckpoint()}`, this.step, this.lastCheckpoint);
    await this.writeMetrics({ type: 'error', step: this.step, message: error.message });
    throw error;
  }

  /** Evaluation (every evalEvery steps) and early stopping, which keeps the best checkpoint. */
  async evaluateIfDue(): Promise<void> {
    const { evaluate } = this.options;
    if (!evaluate || this.step % this.o.evalEvery !== 0) return;
    const { model, early, step } = this;
    model.eval();
    let result: Record<string, number>;
    try {
      result = await evaluate(model);
    } finally {
      model.train();
    }
    if (typeof result !== 'object' || result === null) throw new TrainerError(`train: evaluate() must resolve to an object of metrics, got ${String(result)}`);
    this.lastEval = result;
    await this.writeMetrics({ type: 'eval', step, ...result });
    let line = `eval @ step ${step}: ${Object.entries(result).map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : String(v)}`).join(', ')}`;
    if (early) {
      const { improved, stop } = early.update(result, step);
      if (improved && this.storage) {
        this.bestCheckpoint = this.storage.path(RUN_FILES.best);
        await this.save(RUN_FILES.best);
      }
      line += improved ? ` (best ${early.metric})` : ` (no improvement in ${early.evaluationsWithoutImprovement} of ${early.patience})`;
      if (stop) this.stopReason = 'early-stopping';
    }
    this.log(line);
    if (this.stopReason === 'early-stopping') this.log(`early stopping: ${early!.metric} has not improved for ${early!.patience} evaluations; best ${formatNumber(early!.best ?? NaN)} at step ${early!.bestStep}`);
  }

  /** Checkpoint every checkpointEvery steps, at the last step, and when the run stops. */
  async checkpointIfDue(): Promise<void> {
    const { step, o } = this;
    if (step % o.checkpointEvery === 0 || step === o.steps || this.stopReason) await this.checkpoint();
  }

  /** After the loop: a stop between checkpoints (abort, exhausted data) still saves one. */
  async finish(): Promise<void> {
    if (this.stopReason && this.savedStep !== this.step) await this.checkpoint();
    if (this.stopReason === 'aborted') this.log(`stopped at step ${this.step} (aborted)${this.lastCheckpoint ? `; checkpoint ${this.lastCheckpoint}` : ''}`);
  }

  private async checkpoint(): Promise<void> {
    if (!this.storage) return;
    const name = checkpointName(this.step);
    await this.save(name);
    this.lastCheckpoint = this.storage.path(name);
    this.savedStep = this.step;
    await pruneCheckpoints(this.storage, this.o.keepCheckpoints);
  }

  private async save(name: string): Promise<void> {
    const trainer: TrainerState = { tokens: this.tokensSeen, earlyStopping: this.early?.state() ?? null, bestCheckpoint: this.bestCheckpoint ?? null, divergence: this.divergence?.state() ?? null };
    let bytes: Uint8Array;
    try {
      bytes = await captureCheckpoint({ step: this.step, model: this.model, optimizer: this.optimizer, schedule: this.schedule, data: this.data, rngs: this.options.rngs ?? {}, trainer: { ...trainer } });
    } catch (error) {
      if (!(error instanceof NonFiniteTensorError)) throw error;
      const stop = new NonFiniteError(`train: after step ${this.step}, ${error.message.replace(/^encodeCheckpoint: /, '')}; nothing was saved. ${this.describeLastCheckpoint()}`, this.step, this.lastCheckpoint);
      await this.writeMetrics({ type: 'error', step: this.step, message: stop.message });
      throw stop;
    }
    await this.storage!.write(name, bytes);
  }

  /** Ends the run: releases the run folder and the progress bar. */
  async close(): Promise<void> {
    this.compiled?.dispose();
    this.bar?.finish();
    await this.storage?.close();
  }

  /** What `train()` returns. */
  summary(): TrainSummary {
    const { early } = this;
    return {
      step: this.step,
      stopReason: this.stopReason ?? 'completed',
      resumedFrom: this.resumedFrom,
      loss: this.lastLoss,
      lastEval: this.lastEval,
      best: early?.best !== undefined && early.bestStep !== undefined ? { metric: early.metric, value: early.best, step: early.bestStep } : undefined,
      checkpoint: this.lastCheckpoint,
      bestCheckpoint: this.bestCheckpoint,
      tokens: this.tokensSeen,
      seconds: (performance.now() - this.startTime) / 1000,
    };
  }
}
