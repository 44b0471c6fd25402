/**
 * Global-norm gradient clipping (Pascanu et al., "On the difficulty of training recurrent
 * neural networks", 2013), as torch.nn.utils.clip_grad_norm_:
 *
 *   n = √(Σ_p Σ_i g_pi²)        over every parameter that has a gradient
 *   g ← g · max / (n + 1e-6)    when n > max
 *
 * The sums and the scaling are kernels over all the gradients laid end to end (one call each,
 * not one per parameter); only the one number n is read back, since the trainer logs it and
 * decides on it. Browser-safe.
 */
import { concatFlat, mul, noGrad, splitFlat, sumOfSquares, type Tensor } from '@smoe/tensor';
import { TrainerError } from './validate.js';

/** The global L2 norm of the gradients of `params` (0 when none has a gradient). */
export async function gradNorm(params: Iterable<Tensor>): Promise<number> {
  const grads = [...params].flatMap((p) => (p.grad ? [p.grad] : []));
  return Math.sqrt(await noGrad(() => sumOfSquares(grads)).item());
}

/**
 * Scales the gradients of `params` in place so that their global norm is at most `maxNorm`,
 * and returns the norm before clipping (NaN or Infinity pass through unclipped, for the
 * caller to report). `maxNorm = Infinity` only measures.
 */
export async function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Promise<number> {
  if (!(typeof maxNorm === 'number' && maxNorm > 0)) {
    throw new TrainerError(`clipGradNorm: maxNorm = ${maxNorm} is invalid; allowed: a number > 0 (Infinity to only measure)`, { field: 'maxNorm', value: maxNorm, allowed: 'a number > 0' });
  }
  const list = [...params];
  const norm = await gradNorm(list);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    const withGrad = list.filter((p) => p.grad);
    noGrad(() => {
      const grads = withGrad.map((p) => p.grad as Tensor);
      const scaled = splitFlat(mul(concatFlat(grads), scale), grads.map((g) => g.shape));
      withGrad.forEach((p, i) => (p.grad = scaled[i]));
    });
  }
  return norm;
}
