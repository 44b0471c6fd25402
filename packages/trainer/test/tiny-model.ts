// Test fixtures: a tiny linear regressor (a Module with a weight, a bias and optional dropout
// on the global generator) and a seeded regression data source whose position can be saved.
import { dropout, init, Module, Rng, tensor, type Tensor } from '@smoe/tensor';
import type { DataSource, LossOutput, TrainableModel } from '../src/index.js';

export interface Batch {
  x: Tensor;
  y: Tensor;
}

export interface TinyConfig {
  inputs: number;
  outputs: number;
  dropout: number;
}

class Linear extends Module {
  weight: Tensor;
  bias: Tensor;

  constructor(inputs: number, outputs: number, rng: Rng) {
    super();
    this.weight = init.normal([inputs, outputs], 0.5, { rng });
    this.bias = init.zeros([outputs]);
  }
}

export class TinyRegressor extends Module implements TrainableModel<Batch> {
  config: TinyConfig;
  layer: Linear;

  constructor(config: Partial<TinyConfig> = {}, seed = 1) {
    super();
    this.config = { inputs: 4, outputs: 2, dropout: 0, ...config };
    const rng = new Rng(seed);
    this.layer = new Linear(this.config.inputs, this.config.outputs, rng);
  }

  async loss(batch: Batch): Promise<LossOutput> {
    const h = this.config.dropout > 0 ? dropout(batch.x, this.config.dropout, { training: this.training }) : batch.x;
    const prediction = h.matmul(this.layer.weight).add(this.layer.bias);
    const loss = prediction.sub(batch.y).square().mean();
    const meanAbs = await prediction.sub(batch.y).abs().mean().item();
    return { loss, metrics: { tokens: batch.x.shape[0], meanAbsError: meanAbs, load: [0.25, 0.75] } };
  }
}

export interface DataOptions {
  batch?: number;
  inputs?: number;
  outputs?: number;
  seed?: number;
  /** Batch number (1-based) whose first input is NaN. */
  nanAt?: number;
  /** Number of batches before the source is exhausted (then { done: true }). */
  limit?: number;
}

/** y = x·W* + 0.1·noise with a fixed W*, drawn from a seeded generator. */
export class RegressionData implements DataSource<Batch> {
  private rng: Rng;
  private count = 0;
  private readonly truth: Float32Array;
  private readonly o: Required<Omit<DataOptions, 'nanAt' | 'limit'>> & Pick<DataOptions, 'nanAt' | 'limit'>;

  constructor(options: DataOptions = {}) {
    this.o = { batch: 4, inputs: 4, outputs: 2, seed: 2, ...options };
    this.truth = new Rng(99).normalArray(this.o.inputs * this.o.outputs);
    this.rng = new Rng(this.o.seed);
  }

  /** Plain batch (the trainer also accepts iterator results, see `iterator()`). */
  next(): Batch {
    const { batch, inputs, outputs } = this.o;
    this.count++;
    const x = this.rng.normalArray(batch * inputs);
    if (this.count === this.o.nanAt) x[0] = NaN;
    const y = new Float32Array(batch * outputs);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < outputs; j++) {
        let s = 0.1 * this.rng.normal();
        for (let i = 0; i < inputs; i++) s += x[b * inputs + i] * this.truth[i * outputs + j];
        y[b * outputs + j] = s;
      }
    }
    return { x: tensor(x, [batch, inputs]), y: tensor(y, [batch, outputs]) };
  }

  state(): unknown {
    return { rng: this.rng.state(), count: this.count };
  }

  restore(state: unknown): void {
    const s = state as { rng: ReturnType<Rng['state']>; count: number };
    this.rng = new Rng(s.rng);
    this.count = s.count;
  }

  /**
   * The same source shaped like @smoe/datasets' iterators (`{ done, value }` results, a typed
   * state), ending after `limit` batches.
   */
  iterator(): { next(): IteratorResult<Batch, undefined>; state(): { count: number }; restore(state: { count: number }): void } {
    return {
      next: () => (this.o.limit !== undefined && this.count >= this.o.limit ? { done: true, value: undefined } : { done: false, value: this.next() }),
      state: () => this.state() as { count: number },
      restore: (s: { count: number }) => this.restore(s),
    };
  }
}
