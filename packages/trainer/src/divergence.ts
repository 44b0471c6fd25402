/**
 * Divergence: a run whose loss stays finite but runs away (a learning rate far too high) is
 * noticed instead of training to the end. The first `window` updates of a run set the
 * reference: their mean loss L₀ and mean gradient norm G₀ (while the run is still in them, the
 * mean of the updates so far, so a rate that blows up at once is caught at once). From the
 * second update on, update t has diverged when
 *
 *   loss_t > lossFactor · L₀        or        gradNorm_t > gradNormFactor · G₀
 *
 * (a loss that is not positive at the start, such as a negative log-likelihood bound, only
 * uses the gradient test). `action` 'stop' ends training with the last good checkpoint, as a
 * NaN does; 'warn' prints a warning once and goes on. The reference is saved in checkpoints,
 * so a resumed run judges the same way. Defaults: lossFactor 4, gradNormFactor 100, window 10,
 * action 'stop'. Browser-safe.
 */
import { TrainerError, checkOneOf, checkInteger, checkKeys, checkNumber, invalid } from './validate.js';

/** Options of the divergence check (`train({ divergence })`; `false` turns it off). */
export interface DivergenceOptions {
  /** Diverged when the loss exceeds this multiple of its early mean. Default 4. */
  lossFactor?: number;
  /** Diverged when the gradient norm exceeds this multiple of its early mean. Default 100. */
  gradNormFactor?: number;
  /** Updates whose mean loss and gradient norm are the reference. Default 10. */
  window?: number;
  /** 'stop' (end training, as a NaN does) or 'warn' (a warning, once). Default 'stop'. */
  action?: 'stop' | 'warn';
}

/** Saved state: sums over the reference window so far. */
export interface DivergenceState {
  updates: number;
  lossSum: number;
  gradNormSum: number;
}

export class DivergenceCheck {
  readonly lossFactor: number;
  readonly gradNormFactor: number;
  readonly window: number;
  readonly action: 'stop' | 'warn';
  private counted: DivergenceState = { updates: 0, lossSum: 0, gradNormSum: 0 };

  constructor(options: DivergenceOptions = {}) {
    const where = 'divergence';
    if (typeof options !== 'object' || options === null) invalid(where, 'options', options, '{ lossFactor?, gradNormFactor?, window?, action? } or false');
    checkKeys(where, options, ['lossFactor', 'gradNormFactor', 'window', 'action']);
    this.lossFactor = checkNumber(where, 'lossFactor', options.lossFactor ?? 4, 1, Infinity, { min: true, max: false });
    this.gradNormFactor = checkNumber(where, 'gradNormFactor', options.gradNormFactor ?? 100, 1, Infinity, { min: true });
    this.window = checkInteger(where, 'window', options.window ?? 10, 1);
    this.action = checkOneOf(where, 'action', options.action ?? 'stop', ['stop', 'warn']);
  }

  /** Takes update `step`'s loss and gradient norm; returns why it diverged, or undefined. */
  update(step: number, loss: number, gradNorm: number): string | undefined {
    const c = this.counted;
    if (c.updates > 0) {
      const [early, earlyNorm] = [c.lossSum / c.updates, c.gradNormSum / c.updates];
      const span = `the mean of the run's first ${c.updates} update${c.updates === 1 ? '' : 's'}`;
      if (early > 0 && loss > this.lossFactor * early) {
        return `the loss ${format(loss)} at step ${step} is more than ${this.lossFactor}× its early value ${format(early)} (${span})`;
      }
      if (earlyNorm > 0 && gradNorm > this.gradNormFactor * earlyNorm) {
        return `the gradient norm ${format(gradNorm)} at step ${step} is more than ${this.gradNormFactor}× its early value ${format(earlyNorm)} (${span})`;
      }
    }
    if (c.updates < this.window) {
      c.updates++;
      c.lossSum += loss;
      c.gradNormSum += gradNorm;
    }
    return undefined;
  }

  state(): DivergenceState {
    return { ...this.counted };
  }

  restore(state: DivergenceState): void {
    if (typeof state !== 'object' || state === null || !Number.isInteger(state.updates) || !Number.isFinite(state.lossSum) || !Number.isFinite(state.gradNormSum)) {
      throw new TrainerError(`divergence.restore: invalid saved state ${JSON.stringify(state)}`);
    }
    this.counted = { ...state };
  }
}

function format(value: number): string {
  return String(Number(value.toPrecision(4)));
}
