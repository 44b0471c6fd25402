/**
 * Host bookkeeping for index ops: range checks with clear errors, and the grouping of positions
 * by target index (a stable counting sort) that lets scatter-add run as a gather-style kernel:
 * each output row sums its own segment, so no two threads write one place.
 */

/** Throws unless every index is an integer in [0, size). */
export function checkIndices(op: string, indices: Float32Array, size: number, what: string): void {
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (!(v >= 0 && v < size) || !Number.isInteger(v)) {
      throw new Error(`${op}: index ${v} at position ${i} is out of range for ${what} of size ${size}`);
    }
  }
}

/**
 * Groups positions 0..m-1 by their index value: `order` lists positions sorted by index
 * (stable), `offsets[r]..offsets[r+1]` is the segment of index r.
 */
export function groupByIndex(indices: Float32Array, size: number): { order: Float32Array; offsets: Float32Array } {
  const offsets = new Float32Array(size + 1);
  for (let i = 0; i < indices.length; i++) offsets[indices[i] + 1]++;
  for (let r = 0; r < size; r++) offsets[r + 1] += offsets[r];
  const cursor = offsets.slice(0, size);
  const order = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) order[cursor[indices[i]]++] = i;
  return { order, offsets };
}
