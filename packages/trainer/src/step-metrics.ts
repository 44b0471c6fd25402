/**
 * Combining the model's metrics over the micro-batches of one accumulated step: `tokens` is
 * summed, every other metric averaged (vectors elementwise, such as per-expert load). A metric
 * that changes from number to vector, or changes length, between micro-batches is an error
 * in the model. Browser-safe.
 */
import type { MetricValue } from './types.js';
import { TrainerError } from './validate.js';

export class StepMetrics {
  private readonly sums = new Map<string, number | number[]>();
  private readonly counts = new Map<string, number>();
  /** Sum of the `tokens` metric (0 when none reported it). */
  tokens = 0;
  /** True when some micro-batch reported `tokens`. */
  reportedTokens = false;

  /** Adds one micro-batch's metrics. */
  add(metrics: Record<string, MetricValue> | undefined): void {
    if (!metrics) return;
    for (const [name, value] of Object.entries(metrics)) {
      if (name === 'tokens' && typeof value === 'number') {
        this.tokens += value;
        this.reportedTokens = true;
        continue;
      }
      const prev = this.sums.get(name);
      if (typeof value === 'number') {
        if (Array.isArray(prev)) throw new TrainerError(`train: metric '${name}' was a vector and is now a number`);
        this.sums.set(name, ((prev as number | undefined) ?? 0) + value);
      } else if (Array.isArray(value)) {
        if (prev !== undefined && (!Array.isArray(prev) || prev.length !== value.length)) {
          throw new TrainerError(`train: metric '${name}' changed shape between micro-batches`);
        }
        this.sums.set(name, value.map((v, i) => v + ((prev as number[] | undefined)?.[i] ?? 0)));
      } else {
        throw new TrainerError(`train: metric '${name}' is ${typeof value}; metrics must be numbers or arrays of numbers`);
      }
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    }
  }

  /** The averaged metrics. */
  mean(): Record<string, MetricValue> {
    const out: Record<string, MetricValue> = {};
    for (const [name, sum] of this.sums) {
      const n = this.counts.get(name) ?? 1;
      out[name] = Array.isArray(sum) ? sum.map((v) => v / n) : (sum as number) / n;
    }
    return out;
  }
}
