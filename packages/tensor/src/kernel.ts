/**
 * Launching kernels. `launch` runs a gpu.js kernel over the inputs' storage once they are
 * ready — at once on synchronous backends, chained behind their promises on asynchronous
 * ones — and returns the output storage. An optional `prepare` step does host bookkeeping
 * (sorting indices, building offsets, validating index ranges) on the resolved input arrays;
 * it never does the tensor arithmetic itself.
 */
import { getBackend, type KernelThis } from './backend.js';
import type { Storage, Tensor } from './tensor.js';

/**
 * The body of a kernel: `this.thread.x` is the flat output index (with `grid`, the thread's
 * coordinates). Returning `[v0, v1, v2, v3]` (gpu.js's `Array(4)`) writes four values per thread.
 */
export type KernelSource = (this: KernelThis, ...args: Float32Array[]) => number | number[];

/** An input to `launch`: a tensor's storage, or a host-made array (offsets, masks). */
export type KernelInput = Tensor | Float32Array;

/** What to launch. */
export interface Launch {
  /** Op name: part of the cache key and of error messages. */
  op: string;
  /** The kernel body. One op may have several (forward, backward); each needs its own `op` key. */
  source: KernelSource;
  /** Flat output length. */
  output: number;
  /** Values compiled into the kernel (shapes, strides, flags). */
  constants?: Record<string, number>;
  /** Inputs, in the order of the kernel's parameters. */
  inputs: readonly KernelInput[];
  /** Host bookkeeping on the resolved input arrays; returns the kernel's actual arguments. */
  prepare?: (arrays: Float32Array[]) => Float32Array[];
  /**
   * Optional gpu.js output dimensions `[x, y, z]` (x fastest) for kernels that read
   * `this.thread.y`/`z`; their product times the values per thread (4 for an `Array(4)`
   * return) must equal `output`. The result is still one flat array, x fastest.
   */
  grid?: readonly number[];
  /** Optional per-kernel gpu.js settings (e.g. `strictIntegers`, webasm's `flatOutput`). */
  settings?: Record<string, boolean | number | string>;
}

const ONE = new Float32Array(1);

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function run(spec: Launch, arrays: Float32Array[]): Storage {
  const args = (spec.prepare ? spec.prepare(arrays) : arrays).map((a) => (a.length === 0 ? ONE : a));
  const constants = spec.constants ?? {};
  const backend = getBackend();
  let key = `${spec.op}|${spec.output}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}|${args.map((a) => a.length).join(',')}`;
  if (spec.grid) key += `|grid=${spec.grid.join('x')}`;
  if (spec.settings) key += `|${Object.entries(spec.settings).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const kernel = backend.kernel(key, spec.source, spec.grid ?? spec.output, constants, spec.settings);
  return kernel(...args);
}

/** Runs a kernel and returns its output storage (a promise on asynchronous backends). */
export function launch(spec: Launch): Storage {
  if (spec.output === 0) return new Float32Array(0);
  const values = spec.inputs.map((input) => (input instanceof Float32Array ? input : input.values));
  if (values.some(isPromise)) {
    return Promise.all(values).then((arrays) => run(spec, arrays));
  }
  return run(spec, values as Float32Array[]);
}

/** Runs host bookkeeping (no arithmetic on tensor values) once `inputs` are ready. */
export function afterInputs<T>(inputs: readonly Tensor[], fn: (arrays: Float32Array[]) => T): T | Promise<T> {
  const values = inputs.map((t) => t.values);
  if (values.some(isPromise)) return Promise.all(values).then(fn);
  return fn(values as Float32Array[]);
}
