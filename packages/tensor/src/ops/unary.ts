/**
 * Building unary ops: a forward expression in `x` and a gradient expression in `x` (input),
 * `y` (output) and `g` (upstream gradient), both elementwise kernels.
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';

/** A unary op: `forward` in `x`; `gradient` in `x`, `y`, `g` returns d(loss)/dx. */
export function unaryOp(name: string, forward: string, gradient: string): (x: Tensor) => Tensor {
  const op = (x: Tensor): Tensor => {
    if (x.dtype !== 'float32') throw new Error(`${name}: expected a float32 tensor, got ${x.dtype} ${x}`);
    const y = mapElementwise(name, forward, [x]);
    return record(y, name, [x], (g) => [mapElementwise(`${name}'`, gradient, [x, y, g], x.shape, ['x', 'y', 'g'])]);
  };
  Object.defineProperty(op, 'name', { value: name });
  return op;
}
