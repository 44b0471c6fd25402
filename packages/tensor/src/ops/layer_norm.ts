/**
 * layerNorm over the last axis (Ba et al. 2016): (x − μ)/√(σ² + ε) · weight + bias, with the
 * biased variance, ε = 1e-5. Composed from primitive ops, so its gradient is theirs.
 */
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { rsqrt } from './rsqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Layer normalisation of `x` over its last axis, with optional affine `weight` and `bias` of the last axis's size. */
export function layerNorm(x: Tensor, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  const centered = sub(x, mean(x, -1, true));
  let out = mul(centered, rsqrt(add(mean(square(centered), -1, true), eps)));
  if (weight) out = mul(out, weight);
  if (bias) out = add(out, bias);
  return out;
}
