/**
 * rmsNorm over the last axis (Zhang & Sennrich 2019): x/√(mean(x²) + ε) · weight, ε = 1e-6.
 * Composed from primitive ops, so its gradient is theirs.
 */
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { rsqrt } from './rsqrt.js';
import { square } from './square.js';

/** RMS normalisation of `x` over its last axis, with an optional `weight`. */
export function rmsNorm(x: Tensor, weight?: Tensor, eps = 1e-6): Tensor {
  const out = mul(x, rsqrt(add(mean(square(x), -1, true), eps)));
  return weight ? mul(out, weight) : out;
}
