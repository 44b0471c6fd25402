/**
 * Making tensors from host values: from arrays, filled, ranges and seeded random draws. These
 * write host memory once; every later computation on the values is a kernel.
 */
import { getRng, type Rng } from './rng.js';
import { formatShape, sizeOf } from './shape.js';
import { Tensor, type DType, type NestedArray, type TensorLike } from './tensor.js';

function flatten(value: TensorLike, shape: number[], out: number[], depth = 0): void {
  if (typeof value === 'number') {
    out.push(value);
    return;
  }
  const arr = value as ArrayLike<number | NestedArray>;
  if (shape.length === depth) shape.push(arr.length);
  else if (shape[depth] !== arr.length) throw new Error(`tensor: ragged nested array (length ${arr.length} where ${shape[depth]} was expected at depth ${depth})`);
  for (let i = 0; i < arr.length; i++) flatten(arr[i] as TensorLike, shape, out, depth + 1);
}

/** Options for tensors built from values. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
}

/**
 * A tensor from a number, a typed or plain array (flat, with `shape`), or nested arrays.
 * Typed arrays are copied. int32 values must be integers.
 */
export function tensor(values: TensorLike, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  let data: Float32Array;
  let inferred: number[] = [];
  if (typeof values === 'number') {
    data = Float32Array.of(values);
  } else if (ArrayBuffer.isView(values)) {
    data = Float32Array.from(values as ArrayLike<number>);
    inferred = [data.length];
  } else {
    const flat: number[] = [];
    flatten(values, inferred, flat);
    data = Float32Array.from(flat);
  }
  const finalShape = shape ?? inferred;
  if (sizeOf(finalShape) !== data.length) throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(finalShape)}`);
  const dtype = options.dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
  if (dtype === 'int32') {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isInteger(data[i])) throw new Error(`tensor: int32 tensor got non-integer value ${data[i]} at index ${i}`);
      if (Math.abs(data[i]) > 2 ** 24) throw new Error(`tensor: int32 value ${data[i]} at index ${i} is beyond ±2^24, the exact range of kernel arithmetic`);
    }
  }
  const t = new Tensor(data, finalShape, dtype, options.requiresGrad ?? false);
  t.name = options.name;
  return t;
}

/** A scalar tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, [], { dtype });
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const t = new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options.dtype ?? 'float32', options.requiresGrad ?? false);
  t.name = options.name;
  return t;
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** `[start, start + step, …)` below `stop`. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'int32'): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], dtype);
}

/** Options for random tensors. */
export interface RandomOptions extends TensorOptions {
  /** The generator; the global one (see `seed`) when omitted. */
  rng?: Rng;
}

/** Normal draws with mean 0 and standard deviation `std`. */
export function randn(shape: readonly number[], std = 1, options: RandomOptions = {}): Tensor {
  const rng = options.rng ?? getRng();
  const t = new Tensor(rng.normalArray(sizeOf(shape), 0, std), shape, 'float32', options.requiresGrad ?? false);
  t.name = options.name;
  return t;
}

/** Uniform draws in [low, high). */
export function rand(shape: readonly number[], low = 0, high = 1, options: RandomOptions = {}): Tensor {
  const rng = options.rng ?? getRng();
  const t = new Tensor(rng.uniformArray(sizeOf(shape), low, high), shape, 'float32', options.requiresGrad ?? false);
  t.name = options.name;
  return t;
}
