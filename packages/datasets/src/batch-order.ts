/**
 * The position machinery shared by every batch iterator: items (indices or window starts)
 * come in a per-epoch order computed from the seed and the epoch number alone, so an iterator
 * can save `{ epoch, step }` and resume exactly, without replaying earlier batches.
 * `BatchState` is plain JSON; `restore` refuses a state written for another iterator kind or
 * another configuration (other seed, batch size, data length, ...), naming the field.
 * Epochs with `dropLast` skip the final partial batch, so every batch has the same shape.
 * Pure.
 */
import { DatasetError, describeValue, invalid } from './validate.js';

export type BatchConfigValue = number | string | boolean | null;

/** A serialisable iterator position. */
export interface BatchState {
  kind: string;
  version: 1;
  /** Epoch of the next batch (0-based). */
  epoch: number;
  /** Batch index within that epoch (0-based). */
  step: number;
  /** The configuration the position belongs to; checked on restore. */
  config: Record<string, BatchConfigValue>;
}

/** An infinite or finite iterator of batches whose position can be saved and restored. */
export interface BatchIterator<T> extends IterableIterator<T, undefined, undefined> {
  /** The position of the next batch. */
  state(): BatchState;
  /** Continues from a position returned by `state()` of an iterator with the same configuration. */
  restore(state: BatchState): void;
  /** Number of batches the given epoch yields. */
  batchesInEpoch(epoch: number): number;
}

/** Batch positions over per-epoch item orders. */
export class BatchOrder {
  private epoch = 0;
  private step = 0;
  private cachedEpoch = -1;
  private cachedOrder: Int32Array = new Int32Array(0);

  constructor(
    private readonly kind: string,
    private readonly config: Record<string, BatchConfigValue>,
    private readonly orderFor: (epoch: number) => Int32Array,
    private readonly batch: number,
    private readonly dropLast: boolean,
    private readonly epochs: number,
  ) {}

  /** Items of epoch `epoch`, in order (cached for the current epoch). */
  order(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch) {
      this.cachedOrder = this.orderFor(epoch);
      this.cachedEpoch = epoch;
    }
    return this.cachedOrder;
  }

  batchesInEpoch(epoch: number): number {
    const items = this.order(epoch).length;
    return this.dropLast ? Math.floor(items / this.batch) : Math.ceil(items / this.batch);
  }

  /** The items of the next batch with its position, or undefined when all epochs are done. */
  next(): { items: Int32Array; epoch: number; step: number } | undefined {
    while (this.epoch < this.epochs) {
      if (this.step < this.batchesInEpoch(this.epoch)) {
        const start = this.step * this.batch;
        const order = this.order(this.epoch);
        const items = order.subarray(start, Math.min(order.length, start + this.batch));
        const position = { items, epoch: this.epoch, step: this.step };
        this.step++;
        return position;
      }
      if (this.batchesInEpoch(this.epoch) === 0) {
        throw new DatasetError(`${this.kind}: epoch ${this.epoch} has no full batch of ${this.batch}; use a smaller batch or dropLast: false`);
      }
      this.epoch++;
      this.step = 0;
    }
    return undefined;
  }

  state(): BatchState {
    return { kind: this.kind, version: 1, epoch: this.epoch, step: this.step, config: { ...this.config } };
  }

  restore(state: BatchState): void {
    const where = `${this.kind}.restore`;
    if (typeof state !== 'object' || state === null) throw new DatasetError(`${where}: state must be an object returned by state()`);
    if (state.kind !== this.kind) throw new DatasetError(`${where}: state was written by ${describeValue(state.kind)}, not ${this.kind}`);
    if (state.version !== 1) throw new DatasetError(`${where}: state version ${describeValue(state.version)} is not supported; allowed: 1`);
    for (const [field, value] of Object.entries(this.config)) {
      if (state.config?.[field] !== value) {
        throw new DatasetError(`${where}: state has ${field} = ${describeValue(state.config?.[field])}, this iterator has ${describeValue(value)}`);
      }
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.step) || state.step < 0) {
      throw new DatasetError(`${where}: epoch and step must be integers >= 0, got ${describeValue(state.epoch)} and ${describeValue(state.step)}`);
    }
    this.epoch = state.epoch;
    this.step = state.step;
  }
}

/** Wraps a batch builder into a `BatchIterator`. */
export function batchIterator<T>(order: BatchOrder, build: (items: Int32Array, epoch: number, step: number) => T): BatchIterator<T> {
  const iterator: BatchIterator<T> = {
    next(): IteratorResult<T, undefined> {
      const position = order.next();
      return position ? { done: false, value: build(position.items, position.epoch, position.step) } : { done: true, value: undefined };
    },
    [Symbol.iterator]() {
      return iterator;
    },
    state: () => order.state(),
    restore: (state: BatchState) => order.restore(state),
    batchesInEpoch: (epoch: number) => order.batchesInEpoch(epoch),
  };
  return iterator;
}

/** `epochs` option: a positive integer or Infinity. */
export function checkEpochs(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value;
  return invalid(where, 'epochs', value, 'an integer ≥ 1 or Infinity');
}
