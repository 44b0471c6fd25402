/**
 * The speed figure the page and the speed script report besides the plain average: the first
 * steps compile kernels (one per op and shape), so the steady speed is the median tokens/s of
 * the last half of the steps.
 */
import type { StepRecord } from './training.js';

/** The median tokens/s of the last half of the steps: the steady speed, past kernel compilation in the first steps. */
export function steadyTokensPerSecond(records: readonly Pick<StepRecord, 'tokensPerSecond'>[]): number {
  const tail = records.slice(Math.floor(records.length / 2)).map((r) => r.tokensPerSecond).sort((a, b) => a - b);
  if (tail.length === 0) return NaN;
  const middle = tail.length >> 1;
  return tail.length % 2 ? tail[middle] : (tail[middle - 1] + tail[middle]) / 2;
}
