/**
 * Early stopping on a validation metric: training stops once `patience` evaluations in a row
 * have not improved the best value by more than `minDelta`. Its state is saved in checkpoints,
 * so a resumed run stops at the same step as one that never stopped.
 *
 * Defaults: mode 'min' (a loss; use 'max' for accuracy), minDelta 0. `metric` and `patience`
 * are required. Browser-safe.
 */
import { TrainerError, checkOneOf, checkInteger, checkKeys, checkNumber, invalid } from './validate.js';

/** Options of early stopping. */
export interface EarlyStoppingOptions {
  /** Name of the metric in `evaluate()`'s result (`'loss'`, `'accuracy'`). */
  metric: string;
  /** 'min' when lower is better, 'max' when higher is. Default 'min'. */
  mode?: 'min' | 'max';
  /** Evaluations without improvement before stopping, ≥ 1. */
  patience: number;
  /** Smallest change that counts as an improvement, ≥ 0. Default 0. */
  minDelta?: number;
}

/** Saved state. */
export interface EarlyStoppingState {
  best: number | null;
  bestStep: number | null;
  evaluationsWithoutImprovement: number;
}

export class EarlyStopping {
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  /** Best value so far (undefined before the first evaluation). */
  best: number | undefined;
  /** Step of the best value. */
  bestStep: number | undefined;
  /** Evaluations since the last improvement. */
  evaluationsWithoutImprovement = 0;

  constructor(options: EarlyStoppingOptions) {
    const where = 'earlyStopping';
    if (typeof options !== 'object' || options === null) invalid(where, 'options', options, '{ metric, mode?, patience, minDelta? }');
    checkKeys(where, options, ['metric', 'mode', 'patience', 'minDelta']);
    if (typeof options.metric !== 'string' || options.metric.length === 0) invalid(where, 'metric', options.metric, 'a metric name returned by evaluate()');
    this.metric = options.metric;
    this.mode = checkOneOf(where, 'mode', options.mode ?? 'min', ['min', 'max']);
    this.patience = checkInteger(where, 'patience', options.patience, 1);
    this.minDelta = checkNumber(where, 'minDelta', options.minDelta ?? 0, 0, Infinity);
  }

  /** True once patience is exhausted. */
  get shouldStop(): boolean {
    return this.evaluationsWithoutImprovement >= this.patience;
  }

  /** Takes one evaluation's metrics; says whether it improved and whether to stop. */
  update(metrics: Record<string, number>, step: number): { improved: boolean; stop: boolean } {
    const value = metrics[this.metric];
    if (typeof value !== 'number') {
      throw new TrainerError(`earlyStopping: evaluate() returned no metric '${this.metric}' (it returned: ${Object.keys(metrics).join(', ') || 'nothing'})`, { field: 'metric', value: this.metric, allowed: Object.keys(metrics).join(', ') });
    }
    const improved =
      Number.isFinite(value) &&
      (this.best === undefined || (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta));
    if (improved) {
      this.best = value;
      this.bestStep = step;
      this.evaluationsWithoutImprovement = 0;
    } else {
      this.evaluationsWithoutImprovement++;
    }
    return { improved, stop: this.shouldStop };
  }

  state(): EarlyStoppingState {
    return { best: this.best ?? null, bestStep: this.bestStep ?? null, evaluationsWithoutImprovement: this.evaluationsWithoutImprovement };
  }

  restore(state: EarlyStoppingState): void {
    if (typeof state !== 'object' || state === null || !Number.isInteger(state.evaluationsWithoutImprovement)) {
      throw new TrainerError(`earlyStopping.restore: invalid saved state ${JSON.stringify(state)}`);
    }
    this.best = state.best ?? undefined;
    this.bestStep = state.bestStep ?? undefined;
    this.evaluationsWithoutImprovement = state.evaluationsWithoutImprovement;
  }
}
