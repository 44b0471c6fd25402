/** reshape: the same values under a new shape (no copy; one dimension may be −1). Gradient: reshaped back. */
import { formatShape, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';

/** Returns `x` with shape `shape`; one entry may be −1 and is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot infer −1 in ${formatShape(shape)} from ${formatShape(x.shape)} (${x.size} elements)`);
    target[unknown] = x.size / known;
  }
  if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  const out = new Tensor(x.values, target, x.dtype);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}
