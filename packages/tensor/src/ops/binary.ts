/**
 * Building binary ops with broadcasting: a forward expression in `x` and `y`, and a rule that
 * maps the upstream gradient to each input's gradient before the broadcast dimensions are
 * summed away. Numbers are accepted in place of either operand.
 */
import { scalar } from '../creation.js';
import { record, Tensor } from '../tensor.js';
import { mapElementwise, reduceToShape } from './elementwise.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

/** A tensor or a plain number (a float32 scalar). */
export type Operand = Tensor | number;

/** Converts a number to a scalar tensor. */
export function toTensor(value: Operand): Tensor {
  return value instanceof Tensor ? value : scalar(value);
}

/** Sums a gradient over the dimensions broadcast to reach it. */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  return reduceToShape(grad, shape, (t, axes, keep) => sum(t, axes, keep), reshape);
}

/**
 * A binary op: `forward` in `x`, `y`; `gradients(g, a, b, out)` returns the gradients at the
 * broadcast shape (null where none flows).
 */
export function binaryOp(
  name: string,
  forward: string,
  gradients: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
): (a: Operand, b: Operand) => Tensor {
  const op = (aIn: Operand, bIn: Operand): Tensor => {
    const a = toTensor(aIn);
    const b = toTensor(bIn);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`${name}: expected float32 tensors, got ${a} and ${b}`);
    const out = mapElementwise(name, forward, [a, b]);
    return record(out, name, [a, b], (g) => {
      const [ga, gb] = gradients(g, a, b, out);
      return [ga && unbroadcast(ga, a.shape), gb && unbroadcast(gb, b.shape)];
    });
  };
  Object.defineProperty(op, 'name', { value: name });
  return op;
}
