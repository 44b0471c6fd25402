/**
 * logSoftmax over the last axis: x − logsumexp(x).
 * Gradient: g − exp(y)·Σ g.
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';
import { lastAxisOnly } from './last_axis.js';
import { rowLogSumExp } from './logsumexp.js';
import { sum } from './sum.js';

/** log-softmax of `x` along `axis` (default −1). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOnly('logSoftmax', x, axis, (t) => {
    const y = mapElementwise('logSoftmax', 'x - l', [t, rowLogSumExp(t)], t.shape, ['x', 'l']);
    return record(y, 'logSoftmax', [t], (g) => {
      const total = sum(g, -1, true);
      return [mapElementwise('logSoftmax-grad', 'g - Math.exp(y) * s', [y, g, total], t.shape, ['y', 'g', 's'])];
    });
  });
}
