/**
 * The VQ-VAE losses (van den Oord et al. 2017, "Neural Discrete Representation Learning"):
 *   codebook loss    ‖sg[x] − q‖²   moves the codes towards their inputs (omitted when EMA
 *                                   updates the codebook);
 *   commitment loss  ‖x − sg[q]‖²   keeps the inputs near their codes (weighted by β = 0.25).
 * Both are means over all N·D elements (mean squared error), so their scale does not depend on
 * the batch size or the dimension.
 */
import type { Tensor } from '@smoe/tensor';

/** Codebook and commitment losses of inputs x and their code vectors q (both [N, D]); scalars. */
export function vqLosses(x: Tensor, q: Tensor): { codebookLoss: Tensor; commitmentLoss: Tensor } {
  return {
    codebookLoss: x.detach().sub(q).square().mean(),
    commitmentLoss: x.sub(q.detach()).square().mean(),
  };
}
