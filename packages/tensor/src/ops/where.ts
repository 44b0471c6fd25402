/** where: cond ≠ 0 ? a : b, broadcast. Gradient: g to a where cond holds, to b elsewhere. */
import { record, Tensor } from '../tensor.js';
import { toTensor, unbroadcast, type Operand } from './binary.js';
import { mapElementwise } from './elementwise.js';

/** Picks `a` where `condition` is non-zero and `b` elsewhere. */
export function where(condition: Tensor, aIn: Operand, bIn: Operand): Tensor {
  const a = toTensor(aIn);
  const b = toTensor(bIn);
  const out = mapElementwise('where', 'c !== 0 ? x : y', [condition, a, b], undefined, ['c', 'x', 'y']);
  return record(out, 'where', [a, b], (g) => [
    a.requiresGrad ? unbroadcast(mapElementwise('where-ga', 'c !== 0 ? g : 0', [condition, g], g.shape, ['c', 'g']), a.shape) : null,
    b.requiresGrad ? unbroadcast(mapElementwise('where-gb', 'c !== 0 ? 0 : g', [condition, g], g.shape, ['c', 'g']), b.shape) : null,
  ]);
}
