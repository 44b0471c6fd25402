/**
 * Learning-rate schedules: a schedule maps the step number to a factor of the optimizer's base
 * learning rate, lr(step) = lr · factor(step). Steps count updates from 1 (the first update is
 * step 1), so a schedule is a pure function of the step and needs no state of its own to resume.
 *
 *   constant()                          factor 1
 *   warmupCosine({ warmup, total, min }) step/warmup for step ≤ warmup, then
 *                                       min + (1 − min)·½(1 + cos(π·p)), p = (step − warmup)/(total − warmup),
 *                                       and min after `total`
 *   warmupLinear({ warmup, total, min }) the same warm-up, then 1 − (1 − min)·p
 *
 * `min` is a fraction of the peak (base) learning rate. Defaults: warmup 0, min 0; `total` is
 * required (the step where decay reaches `min`, usually the run's step count). Browser-safe.
 */
import { TrainerError, checkOneOf, checkInteger, checkKeys, checkNumber, invalid } from './validate.js';

/** A schedule's JSON description (stored in checkpoints). */
export interface ScheduleConfig {
  name: 'constant' | 'warmupCosine' | 'warmupLinear';
  warmup?: number;
  total?: number;
  min?: number;
}

/** A learning-rate schedule. */
export interface Schedule {
  /** What it is, as JSON (stored in checkpoints; `createSchedule` rebuilds it). */
  readonly config: ScheduleConfig;
  /** The factor of the base learning rate at `step` (1-based). */
  factor(step: number): number;
}

/** Options of the warm-up + decay schedules. */
export interface WarmupDecayOptions {
  /** Linear warm-up steps from lr/warmup up to lr. Default 0 (no warm-up). */
  warmup?: number;
  /** Step at which the decay reaches `min`. Required; must exceed `warmup`. */
  total: number;
  /** Final factor, as a fraction of the base learning rate, in [0, 1]. Default 0. */
  min?: number;
}

function checkStep(where: string, step: number): void {
  if (!Number.isInteger(step) || step < 1) throw new TrainerError(`${where}: step must be an integer >= 1 (steps count from 1), got ${step}`);
}

/** The constant schedule: factor 1 at every step. */
export function constant(): Schedule {
  return {
    config: { name: 'constant' },
    factor(step) {
      checkStep('constant', step);
      return 1;
    },
  };
}

function warmupDecay(name: 'warmupCosine' | 'warmupLinear', options: WarmupDecayOptions, decay: (progress: number) => number): Schedule {
  if (typeof options !== 'object' || options === null) invalid(name, 'options', options, '{ warmup?, total, min? }');
  checkKeys(name, options, ['warmup', 'total', 'min']);
  const warmup = checkInteger(name, 'warmup', options.warmup ?? 0, 0);
  const total = checkInteger(name, 'total', options.total, 1);
  if (total <= warmup) invalid(name, 'total', total, `an integer > warmup (${warmup})`);
  const min = checkNumber(name, 'min', options.min ?? 0, 0, 1);
  return {
    config: { name, warmup, total, min },
    factor(step) {
      checkStep(name, step);
      if (step <= warmup) return step / warmup;
      if (step >= total) return min;
      return min + (1 - min) * decay((step - warmup) / (total - warmup));
    },
  };
}

/** Linear warm-up, then cosine decay to `min` at `total`. */
export function warmupCosine(options: WarmupDecayOptions): Schedule {
  return warmupDecay('warmupCosine', options, (p) => 0.5 * (1 + Math.cos(Math.PI * p)));
}

/** Linear warm-up, then linear decay to `min` at `total`. */
export function warmupLinear(options: WarmupDecayOptions): Schedule {
  return warmupDecay('warmupLinear', options, (p) => 1 - p);
}

/** A schedule instance, or one rebuilt from its JSON config. */
export function createSchedule(config: Schedule | ScheduleConfig): Schedule {
  if (typeof (config as Schedule).factor === 'function') return config as Schedule;
  const { name, ...options } = config as ScheduleConfig;
  switch (checkOneOf('createSchedule', 'name', name, ['constant', 'warmupCosine', 'warmupLinear'])) {
    case 'constant':
      checkKeys('constant', options, []);
      return constant();
    case 'warmupCosine':
      return warmupCosine(options as WarmupDecayOptions);
    case 'warmupLinear':
      return warmupLinear(options as WarmupDecayOptions);
  }
}
