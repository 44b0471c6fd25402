/**
 * dropout (Srivastava et al. 2014): zeroes each element with probability p and scales the rest
 * by 1/(1 − p) (inverted dropout). The uniform draws come from the seeded host generator, so a
 * seed gives the same mask on every backend. Gradient: the same mask and scale applied to g.
 */
import { getRng, type Rng } from '../rng.js';
import { record, Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Generator for the mask; the global one by default. */
  rng?: Rng;
  /** When false, returns `x` unchanged (evaluation). Default true. */
  training?: boolean;
}

/** Inverted dropout with drop probability `p` in [0, 1). */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0 || options.training === false) return x;
  const rng = options.rng ?? getRng();
  const draws = new Tensor(rng.uniformArray(x.size), x.shape);
  const mask = mapElementwise('dropout-mask', 'u < p ? 0 : s', [draws, new Tensor(Float32Array.of(p), []), new Tensor(Float32Array.of(1 / (1 - p)), [])], x.shape, ['u', 'p', 's']);
  const out = mapElementwise('mul', 'x * y', [x, mask]);
  return record(out, 'dropout', [x], (g) => [mapElementwise('mul', 'x * y', [g, mask])]);
}
