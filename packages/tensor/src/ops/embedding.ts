/** embedding: rows of a weight table [V, D] for int32 ids [...] → [..., D]. Gradient: scatter-add into the table. */
import type { Tensor } from '../tensor.js';
import { selectRows } from './index_select.js';
import { reshape } from './reshape.js';

/** Looks up `ids` in `weight`. */
export function embedding(weight: Tensor, ids: Tensor): Tensor {
  if (weight.rank !== 2) throw new Error(`embedding: weight must be [vocabulary, dim], got ${weight}`);
  if (ids.dtype !== 'int32') throw new Error(`embedding: ids must be int32, got ${ids.dtype}`);
  const rows = selectRows('embedding', weight, 0, reshape(ids, [ids.size]));
  return reshape(rows, [...ids.shape, weight.shape[1]]);
}
