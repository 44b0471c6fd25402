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

/**
 * The default filter: excludes tensors of rank < 2 (biases, norm gains, scalars) and any
 * parameter whose path has a segment containing `norm`, `bias` or `codebook`
 * (`blocks.0.norm1.gain`, `moe.vq.codebook`).
 */
export const excludeNormsBiasesAndCodebooks: WeightDecayFilter = (name, param) =>
  param.rank < 2 || name.split('.').some((segment) => NO_DECAY_SEGMENT.test(segment));

/** A filter that decays every parameter. */
export const decayEverything: WeightDecayFilter = () => false;
