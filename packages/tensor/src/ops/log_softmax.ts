/**
 * logSoftmax over the last axis: (x − m) − log Σ exp(x − m), m = row max.
 * Gradient: g − exp(y)·Σ g.
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';
import { lastAxisOnly } from './last_axis.js';
import { rowSoftmaxStats } from './logsumexp.js';
import { sum } from './sum.js';

/** log-softmax of `x` along `axis` (default −1). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOnly('logSoftmax', x, axis, (t) => {
    const { max, logSum } = rowSoftmaxStats(t);
    const y = mapElementwise('logSoftmax', 'x - m - l', [t, max, logSum], t.shape, ['x', 'm', 'l']);
    return record(y, 'logSoftmax', [t], (g) => {
      const total = sum(g, -1, true);
      return [mapElementwise('logSoftmax-grad', 'g - Math.exp(y) * s', [y, g, total], t.shape, ['y', 'g', 's'])];
    });
  });
}
