/**
 * Mixed-radix code indices: the parts of a code (one per FSQ dimension, product-VQ head or
 * residual level) combined into one number, part 0 least significant:
 *   index = Σ_p c_p · Π_{q<p} radix_q
 * (the FSQ paper's convention, Mentzer et al. 2023). Host bookkeeping on code indices.
 */

/** Combines per-part codes [N, parts] (row-major) into one index per row. Exact up to 2^53. */
export function combineCodes(partCodes: ArrayLike<number>, radices: readonly number[]): Float64Array {
  const parts = radices.length;
  if (parts === 0 || partCodes.length % parts !== 0) throw new Error(`combineCodes: ${partCodes.length} codes do not split into rows of ${parts} parts`);
  const rows = partCodes.length / parts;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let index = 0;
    let scale = 1;
    for (let p = 0; p < parts; p++) {
      const c = partCodes[r * parts + p];
      if (!(c >= 0 && c < radices[p])) throw new Error(`combineCodes: code ${c} of part ${p} in row ${r} is outside [0, ${radices[p]})`);
      index += c * scale;
      scale *= radices[p];
    }
    out[r] = index;
  }
  return out;
}

/** Splits combined indices back into per-part codes [N, parts] (row-major). */
export function splitCodes(indices: ArrayLike<number>, radices: readonly number[]): Int32Array {
  const parts = radices.length;
  const out = new Int32Array(indices.length * parts);
  for (let r = 0; r < indices.length; r++) {
    let rest = indices[r];
    for (let p = 0; p < parts; p++) {
      out[r * parts + p] = rest % radices[p];
      rest = Math.floor(rest / radices[p]);
    }
  }
  return out;
}
