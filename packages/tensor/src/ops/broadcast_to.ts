/** broadcastTo: repeats `x` along broadcast dimensions to `shape`. Gradient: summed back. */
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { mapElementwise, reduceToShape } from './elementwise.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

/** `x` broadcast to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const full = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(full, shape)) throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const out = mapElementwise('broadcastTo', 'x', [x], shape);
  const typed = x.dtype === 'int32' ? new Tensor(out.values, shape, 'int32') : out;
  return record(typed, 'broadcastTo', [x], (g) => [reduceToShape(g, x.shape, (t, axes, keep) => sum(t, axes, keep), reshape)]);
}
