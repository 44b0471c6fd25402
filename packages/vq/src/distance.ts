/**
 * Distances between inputs and codebook entries, and the nearest code.
 *
 * - `l2`:     d(x, e) = ‖x − e‖² = ‖x‖² + ‖e‖² − 2·x·e, the cross term as one matmul
 *             ([N, D] × [D, K]) rather than a T×K×D loop (the VQ-VAE trick).
 * - `cosine`: d(x, e) = 1 − x̂·ê with x̂ = x/‖x‖, ê = e/‖e‖ (ViT-VQGAN, Yu et al. 2021,
 *             "Vector-quantized Image Modeling with Improved VQGAN": l2-normalised codes).
 * The nearest code is an argmin over the last axis, in a kernel (first index on ties).
 */
import { argmin, matmul, noGrad, type Tensor } from '@smoe/tensor';

/** How inputs are compared with codebook entries. */
export type Distance = 'l2' | 'cosine';

/** The distances the package knows. */
export const distances: readonly Distance[] = ['l2', 'cosine'];

/** Rows of `x` scaled to unit L2 norm (zero rows stay zero): x / √(Σx² + ε). */
export function l2Normalize(x: Tensor, epsilon = 1e-12): Tensor {
  return x.mul(x.square().sum(-1, true).add(epsilon).rsqrt());
}

/**
 * Distances [N, K] between x [N, D] and codebook [K, D]. Differentiable. For `cosine`
 * both sides are normalised here; for `l2` tiny negative values from cancellation are clamped.
 */
export function pairwiseDistances(x: Tensor, codebook: Tensor, distance: Distance): Tensor {
  return distance === 'cosine' ? cosineDistances(l2Normalize(x), l2Normalize(codebook)) : squaredDistances(x, codebook).maximum(0);
}

/**
 * Index of the nearest code for each row of x [N, D] → int32 [N]. With `cosine`, pass
 * normalised inputs or not (scaling a row does not change its nearest code) but the codebook
 * is normalised here. No autograd.
 */
export function nearestCode(x: Tensor, codebook: Tensor, distance: Distance): Tensor {
  return noGrad(() => {
    const table = distance === 'cosine' ? l2Normalize(codebook.detach()) : codebook.detach();
    return argmin(distance === 'cosine' ? cosineDistances(x.detach(), table) : squaredDistances(x.detach(), table));
  });
}

// ‖x‖² [N, 1] + ‖e‖² [1, K] − 2·x·eᵀ [N, K].
function squaredDistances(x: Tensor, codebook: Tensor): Tensor {
  const xx = x.square().sum(-1, true);
  const ee = codebook.square().sum(-1, true).reshape([1, codebook.shape[0]]);
  const cross = matmul(x, codebook, { transposeB: true });
  return xx.add(ee).sub(cross.mul(2));
}

// 1 − x·eᵀ for unit rows.
function cosineDistances(xUnit: Tensor, codebookUnit: Tensor): Tensor {
  return matmul(xUnit, codebookUnit, { transposeB: true }).neg().add(1);
}
