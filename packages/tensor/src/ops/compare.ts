/** Comparisons: 1 where the relation holds, else 0 (float32, broadcast). Not differentiable. */
import type { Tensor } from '../tensor.js';
import { toTensor, type Operand } from './binary.js';
import { mapElementwise } from './elementwise.js';

/** a > b. */
export function greater(a: Operand, b: Operand): Tensor {
  return mapElementwise('greater', 'x > y ? 1 : 0', [toTensor(a), toTensor(b)]);
}

/** a ≥ b. */
export function greaterEqual(a: Operand, b: Operand): Tensor {
  return mapElementwise('greaterEqual', 'x >= y ? 1 : 0', [toTensor(a), toTensor(b)]);
}

/** a = b. */
export function equal(a: Operand, b: Operand): Tensor {
  return mapElementwise('equal', 'x === y ? 1 : 0', [toTensor(a), toTensor(b)]);
}
