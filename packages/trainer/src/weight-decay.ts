/**
 * Which parameters get weight decay. Decaying norm gains, biases or VQ codebooks pulls them
 * towards zero for no benefit (a norm gain of 0 silences its layer; a shrinking codebook
 * drifts away from the encoder outputs it should match), so the usual practice (GPT-2,
 * nanoGPT, BERT) decays only the weight matrices. Browser-safe.
 */
import type { Tensor } from '@smoe/tensor';

/** Decides whether `name` (a parameter path) is excluded from weight decay. */
export type WeightDecayFilter = (name: string, param: Tensor) => boolean;

const NO_DECAY_SEGMENT = /norm|bias|codebook/i;

/** Roles that are never decayed. */
const NO_DECAY_ROLE = new Set(['bias', 'norm', 'codebook']);

/**
 * The default filter, by the parameter's role: a parameter whose module declared its role
 * (`param.role`, e.g. the experts' stacked biases [experts, width]) is excluded when it is a
 * bias, a norm or a codebook; otherwise tensors of rank < 2 (biases, norm gains, scalars) and
 * any parameter whose path has a segment containing `norm`, `bias` or `codebook`
 * (`blocks.0.norm1.gain`, `moe.vq.codebook`) are excluded.
 */
export const excludeNormsBiasesAndCodebooks: WeightDecayFilter = (name, param) =>
  param.role !== undefined ? NO_DECAY_ROLE.has(param.role) : param.rank < 2 || name.split('.').some((segment) => NO_DECAY_SEGMENT.test(segment));

/** A filter that decays every parameter. */
export const decayEverything: WeightDecayFilter = () => false;
