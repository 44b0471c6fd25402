/**
 * softmax over the last axis, stable: exp(x − logsumexp(x)).
 * Gradient: y ⊙ (g − Σ g ⊙ y).
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';
import { rowLogSumExp } from './logsumexp.js';
import { sum } from './sum.js';
import { lastAxisOnly } from './last_axis.js';

/** softmax of `x` along `axis` (default −1). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOnly('softmax', x, axis, (t) => {
    const y = mapElementwise('softmax', 'Math.exp(x - l)', [t, rowLogSumExp(t)], t.shape, ['x', 'l']);
    return record(y, 'softmax', [t], (g) => {
      const dot = sum(mapElementwise('mul', 'x * y', [g, y]), -1, true);
      return [mapElementwise('softmax-grad', 'y * (g - d)', [y, g, dot], t.shape, ['y', 'g', 'd'])];
    });
  });
}
