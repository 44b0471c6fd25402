/**
 * Straight-through estimators (STE): pass the quantized value forward and a surrogate gradient
 * back to the input, since the nearest-code choice has none.
 *
 * - `standard` (van den Oord et al. 2017, "Neural Discrete Representation Learning"):
 *     q̃ = x + sg[q − x]             forward value q, gradient to x: 1.
 * - `damped` (the VQMoE authors' code, "On the Effectiveness of Discrete Representations in
 *   Sparse Mixture of Experts", 2024), contribution rate c:
 *     q̃ = (1 − c)·x + c·sg[q − x]   forward value (1 − 2c)·x + c·q, gradient to x: 1 − c.
 * Defaults: `standard`; c = 0.05 for `damped`.
 */
import type { Tensor } from '@smoe/tensor';

/** Which straight-through estimator. */
export type StraightThrough = 'standard' | 'damped';

/** The estimators the package knows. */
export const straightThroughModes: readonly StraightThrough[] = ['standard', 'damped'];

/** Options of `straightThrough`. */
export interface StraightThroughOptions {
  /** Estimator. Default 'standard'. */
  mode?: StraightThrough;
  /** Contribution rate c of the damped estimator, in (0, 1). Default 0.05. */
  dampRate?: number;
}

/** q̃ from the inputs x and their quantized values q (both [N, D]); q's gradient is stopped. */
export function straightThrough(x: Tensor, q: Tensor, options: StraightThroughOptions = {}): Tensor {
  const mode = options.mode ?? 'standard';
  const c = options.dampRate ?? 0.05;
  const shift = q.detach().sub(x.detach());
  if (mode === 'standard') return x.add(shift);
  return x.mul(1 - c).add(shift.mul(c));
}
