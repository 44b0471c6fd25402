/**
 * The training loop. One step:
 *
 *   for each of `gradientAccumulation` micro-batches: loss(batch) / accumulation → backward
 *   stop with a NonFiniteError if a loss is NaN or ±Infinity (before any parameter changes)
 *   clip the global gradient norm (always measured), stop if it is not finite
 *   optimizer update at lr = optimizer.lr · schedule.factor(step)
 *   metrics line → progress bar → onStep → evaluation (every evalEvery; early stopping)
 *   → checkpoint (every checkpointEvery, at the last step, and on any stop)
 *
 * A checkpoint holds the parameters, optimizer moments, step, generator states, the data
 * iterator's position and the early-stopping state, so a run that is stopped and resumed
 * computes exactly what one that never stopped computes. Node only (it writes the run folder).
 */
import { writeFile } from 'node:fs/promises';
import { seed as seedGlobalRng, Tensor } from '@smoe/tensor';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { clipGradNorm } from './clip.js';
import { createOptimizer } from './create-optimizer.js';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';
import { canonicalJson } from './json.js';
import { MetricsWriter, truncateMetrics } from './metrics-writer.js';
import { formatNumber, ProgressBar } from './progress-bar.js';
import { checkpointPath, prepareRunFolder, pruneCheckpoints, type PreparedRun } from './run-folder.js';
import { constant, createSchedule } from './schedule.js';
import { StepMetrics } from './step-metrics.js';
import { resolveTrainOptions, type StepRecord, type TrainOptions } from './train-options.js';
import type { BatchOf, DataSource, TrainableModel } from './types.js';
import { TrainerError } from './validate.js';

/** Thrown when the loss or the gradient norm stops being finite. */
export class NonFiniteError extends TrainerError {
  /** The step (1-based) whose loss or gradient was not finite. */
  readonly step: number;
  /** The last checkpoint written before it, if any. */
  readonly lastCheckpoint: string | undefined;

  constructor(message: string, step: number, lastCheckpoint: string | undefined) {
    super(message);
    this.name = 'NonFiniteError';
    this.step = step;
    this.lastCheckpoint = lastCheckpoint;
  }
}

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
}

const RESERVED = new Set(['type', 'step', 'loss', 'lr', 'gradNorm', 'tokensPerSecond', 'stepSeconds']);

function unwrap<B>(result: B | IteratorResult<B, unknown>): { done: true } | { done: false; value: B } {
  if (result !== null && typeof result === 'object' && 'done' in result && typeof result.done === 'boolean' && Object.keys(result).every((k) => k === 'done' || k === 'value')) {
    return result.done ? { done: true } : { done: false, value: (result as IteratorYieldResult<B>).value };
  }
  return { done: false, value: result as B };
}

function describeCheckpoint(run: PreparedRun | undefined, last: string | undefined): string {
  if (!run) return 'Nothing was saved (no out folder was given).';
  if (!last) return 'No checkpoint had been saved yet.';
  return `The last good checkpoint is ${last}; it is intact. Resume from it (resume: '${last}') with a lower learning rate, clipNorm, or after checking the data.`;
}

/**
 * Trains `model` on batches from `data` (see the file header and `TrainOptions`), writing
 * checkpoints and metrics to `options.out` when given. Resolves with a summary.
 */
export async function train<M extends TrainableModel<never>>(model: M, data: DataSource<BatchOf<M>>, options: TrainOptions<BatchOf<M>, M>): Promise<TrainSummary> {
  type B = BatchOf<M>;
  const loss = (batch: B) => (model as unknown as TrainableModel<B>).loss(batch);
  const o = resolveTrainOptions(options);
  const startTime = performance.now();
  const optimizer = createOptimizer(options.optimizer);
  const schedule = createSchedule(options.schedule ?? constant());
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : undefined;
  const params = model.namedParameters();
  if (params.length === 0) throw new TrainerError('train: the model has no parameters (leaf tensors with requiresGrad)');
  if (typeof model.loss !== 'function') throw new TrainerError('train: the model has no loss(batch) method');
  const tensors = params.map(([, p]) => p);
  const bar = o.progress ? new ProgressBar({ total: o.steps }) : undefined;
  const log = options.log ?? ((line: string) => (bar ? bar.log(line) : process.stderr.write(`${line}\n`)));

  const run = options.out ? await prepareRunFolder(options.out, { resume: options.resume, overwrite: options.overwrite }) : undefined;
  let step = 0;
  let tokensSeen = 0;
  let lastCheckpoint: string | undefined;
  let bestCheckpoint: string | undefined;
  let resumedFrom: TrainSummary['resumedFrom'];
  if (run?.resumeFrom) {
    const checkpoint = await loadCheckpoint(run.resumeFrom, { model, optimizer, data, rngs: options.rngs ?? {} });
    step = checkpoint.step;
    const saved = (checkpoint.trainer ?? {}) as Partial<TrainerState>;
    tokensSeen = saved.tokens ?? 0;
    bestCheckpoint = saved.bestCheckpoint ?? undefined;
    if (early && saved.earlyStopping) early.restore(saved.earlyStopping);
    lastCheckpoint = run.resumeFrom;
    resumedFrom = { path: run.resumeFrom, step };
    if (checkpoint.schedule && canonicalJson(checkpoint.schedule) !== canonicalJson(schedule.config)) {
      log(`warning: the checkpoint was trained with schedule ${JSON.stringify(checkpoint.schedule)}, this run uses ${JSON.stringify(schedule.config)}`);
    }
    await truncateMetrics(run.paths.metrics, step);
    log(`resumed from ${run.resumeFrom} at step ${step}`);
  } else {
    if (run && options.resume === true) {
      log(`no checkpoint in ${run.paths.checkpoints}; starting from step 0`);
      await truncateMetrics(run.paths.metrics, 0);
    }
    if (options.seed !== undefined) seedGlobalRng(options.seed);
    if (run) {
      const description = {
        modelConfig: model.config,
        optimizer: { name: optimizer.name, ...optimizer.config() },
        schedule: schedule.config,
        steps: o.steps,
        gradientAccumulation: o.gradientAccumulation,
        clipNorm: Number.isFinite(o.clipNorm) ? o.clipNorm : null,
        evalEvery: options.evaluate ? o.evalEvery : null,
        earlyStopping: options.earlyStopping ?? null,
        checkpointEvery: o.checkpointEvery,
        seed: options.seed ?? null,
        parameters: model.parameterCount(),
      };
      await writeFile(run.paths.run, `${JSON.stringify(description, null, 2)}\n`);
    }
  }

  const summary = (stopReason: StopReason, loss?: number, lastEval?: Record<string, number>): TrainSummary => ({
    step,
    stopReason,
    resumedFrom,
    loss,
    lastEval,
    best: early?.best !== undefined && early.bestStep !== undefined ? { metric: early.metric, value: early.best, step: early.bestStep } : undefined,
    checkpoint: lastCheckpoint,
    bestCheckpoint,
    tokens: tokensSeen,
    seconds: (performance.now() - startTime) / 1000,
  });
  if (step >= o.steps) {
    log(`already at step ${step} of ${o.steps}; nothing to train`);
    return summary('completed');
  }
  if (early?.shouldStop) {
    log(`early stopping had already stopped this run at step ${step}; nothing to train`);
    return summary('early-stopping');
  }

  const save = async (path: string): Promise<void> => {
    const trainer: TrainerState = { tokens: tokensSeen, earlyStopping: early?.state() ?? null, bestCheckpoint: bestCheckpoint ?? null };
    await saveCheckpoint(path, { step, model, optimizer, schedule, data, rngs: options.rngs ?? {}, trainer: { ...trainer } });
  };

  const writer = run ? new MetricsWriter(run.paths.metrics) : undefined;
  let stopReason: StopReason | undefined;
  let lastLoss: number | undefined;
  let lastEval: Record<string, number> | undefined;
  let savedStep = resumedFrom?.step ?? -1;
  model.train();
  try {
    while (step < o.steps && !stopReason) {
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const stepStart = performance.now();
      const target = step + 1;
      model.zeroGrad();
      model.setProgress?.(step, o.steps);
      const metrics = new StepMetrics();
      let lossSum = 0;
      let countedTokens = 0;
      for (let micro = 0; micro < o.gradientAccumulation; micro++) {
        const next = unwrap(data.next());
        if (next.done) {
          stopReason = 'data-exhausted';
          break;
        }
        const out = await loss(next.value);
        if (!(out?.loss instanceof Tensor) || out.loss.size !== 1) {
          throw new TrainerError(`train: model.loss(batch) must resolve to { loss: a one-element Tensor, metrics? }, got ${out?.loss instanceof Tensor ? `a tensor of shape [${out.loss.shape.join(', ')}]` : typeof out?.loss}`);
        }
        (o.gradientAccumulation > 1 ? out.loss.div(o.gradientAccumulation) : out.loss).backward();
        const value = await out.loss.item();
        if (!Number.isFinite(value)) {
          const where = o.gradientAccumulation > 1 ? ` (micro-batch ${micro + 1} of ${o.gradientAccumulation})` : '';
          const error = new NonFiniteError(`train: the loss is ${value} at step ${target}${where}; training stopped before updating the parameters. ${describeCheckpoint(run, lastCheckpoint)}`, target, lastCheckpoint);
          writer?.write({ type: 'error', step: target, message: error.message });
          throw error;
        }
        lossSum += value;
        metrics.add(out.metrics);
        if (!metrics.reportedTokens && options.tokensPerBatch) countedTokens += options.tokensPerBatch(next.value);
      }
      if (stopReason === 'data-exhausted') {
        model.zeroGrad();
        log(`the data source is exhausted after step ${step}`);
        break;
      }
      step = target;
      const gradNorm = await clipGradNorm(tensors, o.clipNorm);
      if (!Number.isFinite(gradNorm)) {
        step = target - 1;
        const error = new NonFiniteError(`train: the gradient norm is ${gradNorm} at step ${target} (the loss was finite); training stopped before updating the parameters. ${describeCheckpoint(run, lastCheckpoint)}`, target, lastCheckpoint);
        writer?.write({ type: 'error', step: target, message: error.message });
        throw error;
      }
      const lr = optimizer.lr * schedule.factor(step);
      optimizer.step(params, lr);
      model.zeroGrad();

      const stepSeconds = (performance.now() - stepStart) / 1000;
      const tokens = metrics.reportedTokens ? metrics.tokens : options.tokensPerBatch ? countedTokens : undefined;
      tokensSeen += tokens ?? 0;
      lastLoss = lossSum / o.gradientAccumulation;
      const modelMetrics = metrics.mean();
      const clash = Object.keys(modelMetrics).find((k) => RESERVED.has(k));
      if (clash) throw new TrainerError(`train: the model reports a metric named '${clash}', which the trainer's metrics line reserves; rename it (reserved: ${[...RESERVED].join(', ')})`);
      const record: StepRecord = {
        type: 'train',
        step,
        loss: lastLoss,
        lr,
        gradNorm,
        ...(tokens !== undefined ? { tokens, tokensPerSecond: tokens / stepSeconds } : {}),
        stepSeconds,
        ...modelMetrics,
      };
      if (step % o.logEvery === 0 || step === o.steps) writer?.write(record);
      bar?.update(step, { loss: lastLoss, lr, 'tok/s': record.tokensPerSecond });
      await options.onStep?.(record);

      if (options.evaluate && step % o.evalEvery === 0) {
        model.eval();
        let result: Record<string, number>;
        try {
          result = await options.evaluate(model);
        } finally {
          model.train();
        }
        if (typeof result !== 'object' || result === null) throw new TrainerError(`train: evaluate() must resolve to an object of metrics, got ${String(result)}`);
        lastEval = result;
        writer?.write({ type: 'eval', step, ...result });
        let line = `eval @ step ${step}: ${Object.entries(result).map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : String(v)}`).join(', ')}`;
        if (early) {
          const { improved, stop } = early.update(result, step);
          if (improved && run) {
            bestCheckpoint = run.paths.best;
            await save(run.paths.best);
          }
          line += improved ? ` (best ${early.metric})` : ` (no improvement in ${early.evaluationsWithoutImprovement} of ${early.patience})`;
          if (stop) stopReason = 'early-stopping';
        }
        log(line);
        if (stopReason === 'early-stopping') log(`early stopping: ${early!.metric} has not improved for ${early!.patience} evaluations; best ${formatNumber(early!.best ?? NaN)} at step ${early!.bestStep}`);
      }

      if (run && (step % o.checkpointEvery === 0 || step === o.steps || stopReason)) {
        const path = checkpointPath(run.paths.out, step);
        await save(path);
        lastCheckpoint = path;
        savedStep = step;
        await pruneCheckpoints(run.paths.out, o.keepCheckpoints);
      }
    }
    if (run && stopReason && savedStep !== step) {
      const path = checkpointPath(run.paths.out, step);
      await save(path);
      lastCheckpoint = path;
      await pruneCheckpoints(run.paths.out, o.keepCheckpoints);
    }
    if (stopReason === 'aborted') log(`stopped at step ${step} (aborted)${lastCheckpoint ? `; checkpoint ${lastCheckpoint}` : ''}`);
  } finally {
    writer?.close();
    bar?.finish();
  }
  return summary(stopReason ?? 'completed', lastLoss, lastEval);
}
