/**
 * softmax over the last axis, stable: exp((x − m) − log Σ exp(x − m)), m = row max (exact even
 * for rows of huge equal logits, such as fully masked attention rows).
 * Gradient: y ⊙ (g − Σ g ⊙ y).
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';
import { rowSoftmaxStats } from './logsumexp.js';
import { sum } from './sum.js';
import { lastAxisOnly } from './last_axis.js';

/** softmax of `x` along `axis` (default −1). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOnly('softmax', x, axis, (t) => {
    const { max, logSum } = rowSoftmaxStats(t);
    const y = mapElementwise('softmax', 'Math.exp(x - m - l)', [t, max, logSum], t.shape, ['x', 'm', 'l']);
    return record(y, 'softmax', [t], (g) => {
      const dot = sum(mapElementwise('mul', 'x * y', [g, y]), -1, true);
      return [mapElementwise('softmax-grad', 'y * (g - d)', [y, g, dot], t.shape, ['y', 'g', 'd'])];
    });
  });
}
