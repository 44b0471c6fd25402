/**
 * One training step: the seam between the loop (train.ts) and the arithmetic. Given the model,
 * the step's micro-batches, the optimizer and the learning rate, `eagerStep`
 *
 *   for each of the micro-batches: loss(batch) / count → backward   (stops at a non-finite loss)
 *   measures the global gradient norm and clips it to `clipNorm`     (stops if it is not finite)
 *   optimizer update at `lr`, then clears the gradients
 *
 * and returns the mean loss, the gradient norm and the model's metrics. It never updates the
 * parameters when the loss or the gradient norm is not finite, so the loop can stop with the
 * last checkpoint intact. Another step (a compiled one) plugs in by keeping this contract:
 * `TrainStep`. Browser-safe.
 */
import { Tensor } from '@smoe/tensor';
import { clipGradNorm } from './clip.js';
import type { Optimizer } from './optimizer.js';
import { StepMetrics } from './step-metrics.js';
import type { TrainableModel } from './types.js';
import { TrainerError } from './validate.js';

/** What one step is given. */
export interface StepInput<B> {
  model: TrainableModel<B>;
  /** The step's micro-batches (one without gradient accumulation); their losses are averaged. */
  batches: readonly B[];
  optimizer: Optimizer;
  /** The model's named parameters (`model.namedParameters()`, read once per run). */
  parameters: ReadonlyArray<[string, Tensor]>;
  /** Learning rate of this update (schedule applied). */
  lr: number;
  /** Clip the global gradient norm to this (Infinity: only measure). */
  clipNorm: number;
}

/** A step that updated the parameters: its mean loss, gradient norm (before clipping) and model metrics. */
export interface UpdatedStep {
  status: 'updated';
  loss: number;
  gradNorm: number;
  metrics: StepMetrics;
}

/** What one step gives back: an update, or the non-finite value that prevented it. */
export type StepOutcome =
  | UpdatedStep
  | { status: 'non-finite-loss'; loss: number; microBatch: number }
  | { status: 'non-finite-gradient'; loss: number; gradNorm: number };

/** A training step: any function with `eagerStep`'s contract. */
export type TrainStep = <B>(input: StepInput<B>) => Promise<StepOutcome>;

/** The step as @smoe/tensor's autograd runs it, op by op (see the file header). */
export async function eagerStep<B>({ model, batches, optimizer, parameters, lr, clipNorm }: StepInput<B>): Promise<StepOutcome> {
  model.zeroGrad();
  const metrics = new StepMetrics();
  const count = batches.length;
  let lossSum = 0;
  for (let micro = 0; micro < count; micro++) {
    const out = await model.loss(batches[micro]);
    if (!(out?.loss instanceof Tensor) || out.loss.size !== 1) {
      throw new TrainerError(`train: model.loss(batch) must resolve to { loss: a one-element Tensor, metrics? }, got ${out?.loss instanceof Tensor ? `a tensor of shape [${out.loss.shape.join(', ')}]` : typeof out?.loss}`);
    }
    (count > 1 ? out.loss.div(count) : out.loss).backward();
    const value = await out.loss.item();
    if (!Number.isFinite(value)) return { status: 'non-finite-loss', loss: value, microBatch: micro };
    lossSum += value;
    metrics.add(out.metrics);
  }
  const loss = lossSum / count;
  const gradNorm = await clipGradNorm(parameters.map(([, p]) => p), clipNorm);
  if (!Number.isFinite(gradNorm)) return { status: 'non-finite-gradient', loss, gradNorm };
  optimizer.step(parameters, lr);
  model.zeroGrad();
  return { status: 'updated', loss, gradNorm, metrics };
}
