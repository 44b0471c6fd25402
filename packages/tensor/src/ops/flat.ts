/**
 * Many tensors as one flat buffer (as PyTorch's `_foreach` ops and apex's multi_tensor_apply):
 * an update or a reduction over every parameter of a model becomes one kernel call instead of
 * one per parameter — each call costs a dispatch and two copies whatever its arithmetic.
 *   concatFlat([a, b, …])     → [Σ sizes], the values end to end (a host copy once they are ready)
 *   splitFlat(flat, shapes)   → tensors of `shapes` viewing consecutive ranges of `flat` (no copy)
 *   sumOfSquares([a, b, …])   → Σ_t Σ_i t_i², a scalar (partial sums of 4096 values, then their sum)
 * None records autograd: they serve optimizers and gradient clipping, which run under `noGrad`.
 */
import type { KernelThis } from '../backend.js';
import { afterInputs, launch } from '../kernel.js';
import { formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sum } from './sum.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { TracedValues } from '../trace.js';

/** Values per partial sum of `sumOfSquares`. */
const CHUNK = 4096;

/** The values of `tensors` end to end, as one float32 tensor [Σ sizes]. */
export function concatFlat(tensors: readonly Tensor[]): Tensor {
  const total = tensors.reduce((n, t) => n + t.size, 0);
  const storage = afterInputs(tensors, (arrays) => {
    const out = new Float32Array(total);
    let offset = 0;
    for (const a of arrays) {
      out.set(a, offset);
      offset += a.length;
    }
    return out;
  });
  return new Tensor(storage, [total]);
}

/** Tensors of `shapes` over consecutive ranges of `flat`, which they must fill exactly. */
export function splitFlat(flat: Tensor, shapes: ReadonlyArray<readonly number[]>): Tensor[] {
  const sizes = shapes.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== flat.size) throw new Error(`splitFlat: shapes ${shapes.map(formatShape).join(', ')} hold ${total} values; the flat tensor has ${flat.size}`);
  const values = flat.values;
  let offset = 0;
  return shapes.map((shape, i) => {
    const start = offset;
    offset += sizes[i];
    const view = (a: Float32Array): Float32Array => a.subarray(start, start + sizes[i]);
    if (values instanceof Float32Array) return new Tensor(view(values), shape, flat.dtype);
    // inside a compiled step the values are a traced handle: slice with a kernel instead of a view
    if (values instanceof TracedValues) return reshape(slice(flat, 0, start, sizes[i]), shape);
    return new Tensor(values.then(view), shape, flat.dtype);
  });
}

function partialSquaresKernel(this: KernelThis, x: Float32Array): number {
  const start = this.thread.x * this.constants.chunk;
  let s = 0;
  for (let k = 0; k < this.constants.chunk; k++) {
    const i = start + k;
    if (i < this.constants.n) {
      s += x[i] * x[i];
    }
  }
  return s;
}

/** Σ over every value of every tensor of its square (a scalar; 0 for none). */
export function sumOfSquares(tensors: readonly Tensor[]): Tensor {
  const flat = concatFlat(tensors);
  const n = flat.size;
  if (n === 0) return new Tensor(new Float32Array(1), []);
  const partial = new Tensor(launch({ op: 'sumOfSquares', source: partialSquaresKernel, output: Math.ceil(n / CHUNK), constants: { n, chunk: CHUNK }, inputs: [flat] }), [Math.ceil(n / CHUNK)]);
  return sum(partial);
}
