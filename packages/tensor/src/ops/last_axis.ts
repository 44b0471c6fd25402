/** Runs a last-axis op along any axis by moving that axis last and back (rank ≤ 4). */
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { permute } from './permute.js';

/** Applies `fn` (which works on the last axis) along `axis` of `x`. */
export function lastAxisOnly(op: string, x: Tensor, axis: number, fn: (t: Tensor) => Tensor): Tensor {
  if (x.dtype !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${x}`);
  const ax = normalizeAxis(op, axis, x.rank);
  if (ax === x.rank - 1) return fn(x);
  const order = Array.from({ length: x.rank }, (_, i) => i);
  [order[ax], order[x.rank - 1]] = [order[x.rank - 1], order[ax]];
  return permute(fn(permute(x, order)), order);
}
