/** mean: sum over the axes divided by their size. Gradient through sum and div. */
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { resolveAxes, type Axes } from './reduce.js';
import { sum } from './sum.js';

/** Mean of `x` over `axes` (all by default). */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const list = resolveAxes('mean', axes, x.rank);
  return div(sum(x, list, keepDims), sizeOf(list.map((a) => x.shape[a])));
}
