/**
 * Global-norm gradient clipping (Pascanu et al., "On the difficulty of training recurrent
 * neural networks", 2013), as torch.nn.utils.clip_grad_norm_:
 *
 *   n = √(Σ_p Σ_i g_pi²)        over every parameter that has a gradient
 *   g ← g · max / (n + 1e-6)    when n > max
 *
 * The sums and the scaling are kernels; only the one number n is read back, since the trainer
 * logs it and decides on it. Browser-safe.
 */
import { noGrad, type Tensor } from '@smoe/tensor';
import { TrainerError } from './validate.js';

/** The global L2 norm of the gradients of `params` (0 when none has a gradient). */
export async function gradNorm(params: Iterable<Tensor>): Promise<number> {
  const total = noGrad(() => {
    let sum: Tensor | undefined;
    for (const p of params) {
      if (!p.grad) continue;
      const squares = p.grad.square().sum();
      sum = sum ? sum.add(squares) : squares;
    }
    return sum;
  });
  return total ? Math.sqrt(await total.item()) : 0;
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
    noGrad(() => {
      for (const p of list) if (p.grad) p.grad = p.grad.mul(scale);
    });
  }
  return norm;
}
