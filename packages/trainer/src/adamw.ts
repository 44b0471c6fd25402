/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019): Adam whose
 * weight decay shrinks the weights directly instead of entering the gradient, so it is not
 * rescaled by the adaptive denominator.
 *
 *   θ ← θ·(1 − lr·λ)                    (skipped for names the `exclude` filter returns true for)
 *   θ ← θ − lr · m̂ / (√v̂ + ε)           (the Adam step, see adam.ts)
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01 (as torch.optim.AdamW),
 * exclude: norms, biases and codebooks (`excludeNormsBiasesAndCodebooks`). Browser-safe.
 */
import { Adam, type AdamOptions } from './adam.js';

/** Options of AdamW: those of Adam, with decoupled `weightDecay` (default 0.01). */
export type AdamWOptions = AdamOptions;

export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  protected override readonly decoupled: boolean = true;

  constructor(options: AdamWOptions = {}) {
    super(options, { weightDecay: 0.01, where: 'AdamW' });
  }
}
