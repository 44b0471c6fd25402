/**
 * Optimizer: the shared machinery of AdamW, Adam and SGD. A subclass defines one update rule
 * for one parameter; the base class walks the parameters that have a gradient, keeps the
 * per-parameter state tensors ("slots": Adam's first and second moments, SGD's momentum
 * buffer) and the per-parameter step counts, and saves and restores them for checkpoints.
 *
 * Every update is tensor arithmetic on @smoe/tensor kernels, run under `noGrad`; the
 * hyperparameters that change between steps (learning rate, bias corrections) enter kernels
 * as scalar tensors, so no kernel is recompiled when they change. Browser-safe.
 */
import { noGrad, scalar, Tensor, zeros, formatShape } from '@smoe/tensor';
import { TrainerError, checkNumber } from './validate.js';

/** Hyperparameters as stored in checkpoints (JSON values only). */
export type OptimizerConfigValues = Record<string, number | boolean | string | null>;

/** One parameter's update, as a subclass sees it. */
export interface UpdateContext {
  /** The parameter's path (`blocks.0.attention.query`). */
  name: string;
  /** Current values. */
  param: Tensor;
  /** d(loss)/d(param). */
  grad: Tensor;
  /** Learning rate of this step (schedule applied). */
  lr: number;
  /** How many updates this parameter has had, this one included (1 on the first). */
  step: number;
  /** The parameter's state tensor `slot` (zeros of the parameter's shape before the first update). */
  slot(slot: string): Tensor;
  /** Stores the new value of state tensor `slot`. */
  setSlot(slot: string, value: Tensor): void;
}

/** Serialisable optimizer state: JSON metadata plus named tensors. */
export interface OptimizerState {
  /** JSON part: optimizer kind, hyperparameters, per-parameter step counts. */
  meta: { name: string; config: OptimizerConfigValues; steps: Record<string, number> };
  /** State tensors by `<slot>.<parameter path>` (e.g. `m.blocks.0.attention.query`). */
  tensors: Record<string, Tensor>;
}

/** A scalar kernel operand. Made per step: values change, the kernels do not. */
export function operand(value: number): Tensor {
  return scalar(value);
}

export abstract class Optimizer {
  /** Kind, as stored in checkpoints: 'adamw' | 'adam' | 'sgd' (or a subclass's own). */
  abstract readonly name: string;
  /** Base learning rate; a schedule multiplies it. */
  lr: number;
  private readonly slots = new Map<string, Map<string, Tensor>>();
  private readonly steps = new Map<string, number>();

  constructor(lr: number, where: string) {
    this.lr = checkNumber(where, 'lr', lr, 0, Infinity);
  }

  /** Hyperparameters (JSON), stored in checkpoints and shown in run summaries. */
  abstract config(): OptimizerConfigValues;

  /** The rule for one parameter: returns its new values (and may `setSlot`). */
  protected abstract update(context: UpdateContext): Tensor;

  /**
   * Applies one update to every parameter that has a gradient, at learning rate `lr`
   * (default `this.lr`). Parameters whose `grad` is null (unused this step) are left alone
   * and their step count does not advance.
   */
  step(params: Iterable<readonly [string, Tensor]>, lr: number = this.lr): void {
    noGrad(() => {
      for (const [name, param] of params) {
        const grad = param.grad;
        if (!grad) continue;
        if (formatShape(grad.shape) !== formatShape(param.shape)) {
          throw new TrainerError(`${this.name}.step: gradient of '${name}' has shape ${formatShape(grad.shape)}, the parameter ${formatShape(param.shape)}`);
        }
        const step = (this.steps.get(name) ?? 0) + 1;
        const next = this.update({
          name,
          param,
          grad,
          lr,
          step,
          slot: (slot) => this.slots.get(slot)?.get(name) ?? zeros(param.shape),
          setSlot: (slot, value) => {
            let bySlot = this.slots.get(slot);
            if (!bySlot) this.slots.set(slot, (bySlot = new Map()));
            bySlot.set(name, value);
          },
        });
        this.steps.set(name, step);
        param.assign(next);
      }
    });
  }

  /** The state to checkpoint (tensors are shared, not copied: they are immutable). */
  state(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    for (const [slot, byName] of this.slots) for (const [name, t] of byName) tensors[`${slot}.${name}`] = t;
    return { meta: { name: this.name, config: this.config(), steps: Object.fromEntries(this.steps) }, tensors };
  }

  /**
   * Restores a state written by `state()` of the same kind of optimizer. `params` (the model's
   * named parameters) lets it check every state tensor belongs to a parameter of that shape.
   * Hyperparameters are not restored: the optimizer keeps the ones it was built with.
   */
  restore(state: OptimizerState, params?: Iterable<readonly [string, Tensor]>): void {
    const where = `${this.name}.restore`;
    if (state.meta.name !== this.name) {
      throw new TrainerError(`${where}: the saved state belongs to optimizer '${state.meta.name}', this one is '${this.name}'`);
    }
    const shapes = params ? new Map([...params].map(([n, p]) => [n, p.shape] as const)) : undefined;
    const slots = new Map<string, Map<string, Tensor>>();
    for (const [key, t] of Object.entries(state.tensors)) {
      const dot = key.indexOf('.');
      if (dot <= 0) throw new TrainerError(`${where}: state tensor '${key}' is not named '<slot>.<parameter>'`);
      const slot = key.slice(0, dot);
      const name = key.slice(dot + 1);
      if (shapes) {
        const shape = shapes.get(name);
        if (!shape) throw new TrainerError(`${where}: state tensor '${key}' is for parameter '${name}', which the model does not have`);
        if (formatShape(shape) !== formatShape(t.shape)) {
          throw new TrainerError(`${where}: state tensor '${key}' has shape ${formatShape(t.shape)}, parameter '${name}' has ${formatShape(shape)}`);
        }
      }
      let bySlot = slots.get(slot);
      if (!bySlot) slots.set(slot, (bySlot = new Map()));
      bySlot.set(name, t);
    }
    const steps = new Map<string, number>();
    for (const [name, n] of Object.entries(state.meta.steps)) {
      if (!Number.isInteger(n) || n < 0) throw new TrainerError(`${where}: step count of '${name}' is ${n}; expected an integer >= 0`);
      if (shapes && !shapes.has(name)) throw new TrainerError(`${where}: saved step count is for parameter '${name}', which the model does not have`);
      steps.set(name, n);
    }
    this.slots.clear();
    for (const [k, v] of slots) this.slots.set(k, v);
    this.steps.clear();
    for (const [k, v] of steps) this.steps.set(k, v);
  }

  /** Forgets all state (moments, momentum, step counts). */
  reset(): void {
    this.slots.clear();
    this.steps.clear();
  }
}
