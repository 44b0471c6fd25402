/** oneHot: int32 indices [...] → float32 [..., depth] with 1 at each index. Not differentiable. */
import { launch } from '../kernel.js';
import type { KernelThis } from '../backend.js';
import { Tensor } from '../tensor.js';
import { checkIndices } from './indices.js';

function oneHotKernel(this: KernelThis, idx: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.depth);
  const c = i - r * this.constants.depth;
  return idx[r] === c ? 1 : 0;
}

/** One-hot encoding of int32 `indices` with `depth` classes. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  if (indices.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${indices.dtype}`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  const validate = (values: Float32Array): void => checkIndices('oneHot', values, depth, 'depth');
  return new Tensor(launch({ op: 'oneHot', source: oneHotKernel, output: indices.size * depth, constants: { depth }, inputs: [indices], check: { input: 0, validate } }), [...indices.shape, depth]);
}
