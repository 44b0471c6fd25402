/**
 * What the trainer trains and reads: any `Module` with a JSON config and an async `loss(batch)`,
 * and any batch source whose position can be saved and restored. The trainer knows nothing
 * else about models or datasets, so it stays independent of @smoe/moe and @smoe/datasets.
 */
import type { Module, Tensor } from '@smoe/tensor';

/** A metric value: a number, or a vector of them (per-expert load of one layer, …). */
export type MetricValue = number | readonly number[];

/** What `loss(batch)` returns. */
export interface LossOutput {
  /** Scalar loss to minimise, auxiliary losses included. */
  loss: Tensor;
  /**
   * Numbers to log with the step: the task metric, aux losses, per-layer expert load and
   * routing entropy, dropped-token fraction… `tokens` (tokens in the batch) feeds tokens/s.
   * Across accumulated micro-batches `tokens` is summed and everything else averaged.
   */
  metrics?: Record<string, MetricValue>;
}

/** A model the trainer can train. */
export interface TrainableModel<B = unknown> extends Module {
  /** JSON-serialisable model config; stored in checkpoints and checked when loading. */
  config: unknown;
  /** The loss on one batch. */
  loss(batch: B): Promise<LossOutput>;
  /**
   * Told the updates done so far (0 before the first; the routers' `RouteContext.step`
   * convention) and the total, before each step's first micro-batch, when the model defines
   * it: routers whose behaviour follows training progress (SMoE-Dropout's growing k,
   * StableMoE's switch to stage 2) read it.
   */
  setProgress?(step: number, totalSteps: number): void;
}

/**
 * A batch source. `next()` may return the batch itself or an iterator result
 * (`{ done, value }`, as @smoe/datasets' iterators do); `done: true` ends training.
 * `state()` must be JSON-serialisable; `restore(state)` continues exactly from it.
 */
export interface DataSource<B> {
  next(): B | IteratorResult<B, unknown>;
  state(): unknown;
  restore(state: unknown): void;
}

/** The batch type a model's `loss` takes. */
export type BatchOf<M> = M extends { loss(batch: infer B): unknown } ? B : never;
