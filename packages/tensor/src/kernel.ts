/**
 * Launching kernels. `launch` runs a gpu.js kernel over the inputs' storage once they are
 * ready — at once on synchronous backends, chained behind their promises on asynchronous
 * ones — and returns the output storage. An optional `prepare` step does host bookkeeping
 * (sorting indices, building offsets, validating index ranges) on the resolved input arrays;
 * it never does the tensor arithmetic itself.
 */
import { getBackend, type KernelThis } from './backend.js';
import type { Storage, Tensor } from './tensor.js';
import { activeRecording, NotCompilableError, staleError, TracedValues, type HostValues, type Recording } from './trace.js';

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
  /**
   * Host bookkeeping on the resolved input arrays; returns the kernel's actual arguments.
   * Reads values on the host, so a compiled step can only use it on host inputs.
   */
  prepare?: (arrays: Float32Array[]) => Float32Array[];
  /**
   * Validation of input `check.input` on the host (index ranges); throws on a bad value and
   * never changes it. In a compiled step it runs before every run on a host input, and is
   * skipped for values computed inside the step.
   */
  check?: { input: number; validate: (values: Float32Array) => void };
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

function cacheKey(spec: Launch, lengths: readonly number[]): string {
  const constants = spec.constants ?? {};
  let key = `${spec.op}|${spec.output}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}|${lengths.join(',')}`;
  if (spec.grid) key += `|grid=${spec.grid.join('x')}`;
  if (spec.settings) key += `|${Object.entries(spec.settings).map(([k, v]) => `${k}=${v}`).join(',')}`;
  return key;
}

function compiledKernel(spec: Launch, key: string) {
  return getBackend().kernel(key, spec.source, spec.grid ?? spec.output, spec.constants ?? {}, spec.settings);
}

function run(spec: Launch, arrays: Float32Array[]): HostValues {
  spec.check?.validate(arrays[spec.check.input]);
  const args = (spec.prepare ? spec.prepare(arrays) : arrays).map((a) => (a.length === 0 ? ONE : a));
  const key = cacheKey(spec, args.map((a) => a.length));
  return compiledKernel(spec, key)(...args);
}

/** A stand-in array for values the host cannot read now: any access throws `NotCompilableError`. */
function unreadable(op: string, detail: string): Float32Array {
  return new Proxy(new Float32Array(0), {
    get() {
      throw new NotCompilableError(op, detail);
    },
  });
}

/** Appends the kernel call to the open recording of a compiled step instead of running it. */
function recordLaunch(recording: Recording, spec: Launch, inputs: ReadonlyArray<Storage>): Storage {
  let values = inputs as ReadonlyArray<HostValues | TracedValues>;
  if (spec.prepare) {
    // host bookkeeping runs again on every recording and what it makes is fed to the plan, so
    // it may read host inputs; values still unknown pass through it untouched or throw
    const guards = new Map<Float32Array, TracedValues | Promise<Float32Array>>();
    const guarded = values.map((v) => {
      if (v instanceof Float32Array) return v;
      const guard = unreadable(spec.op, v instanceof TracedValues ? 'reads values on the host' : 'prepares its arguments on the host from values still being computed');
      guards.set(guard, v);
      return guard;
    });
    try {
      values = spec.prepare(guarded).map((a) => guards.get(a) ?? a);
    } catch (error) {
      if (!(error instanceof NotCompilableError && error.op === spec.op) || !recording.split) throw error;
      // a step that may split: run what is recorded so far, then this kernel alone on its values
      const inputs = spec.inputs;
      return recording.split().then(async () => run(spec, await Promise.all(inputs.map((input) => (input instanceof Float32Array ? input : (input.values as HostValues))))));
    }
  }
  const args = values.map((v) => (v instanceof Float32Array && v.length === 0 ? ONE : v));
  // a promise's length is its tensor's size (a prepared input is always an array)
  const key = cacheKey(spec, args.map((a, i) => (isPromise(a) ? Math.max((spec.inputs[i] as Tensor).size, 1) : a.length)));
  const bindings = args.map((a) => recording.bind(a, spec.op));
  if (spec.check) {
    const binding = bindings[spec.check.input];
    if ('input' in binding) recording.checks.push({ input: binding.input, check: spec.check.validate });
  }
  const runKernel = compiledKernel(spec, key);
  return recording.add({ key, op: spec.op, shortcut: getBackend().shortcut(key), run: runKernel, bindings }, spec.output) as unknown as Storage;
}

/** Runs a kernel and returns its output storage (a promise on asynchronous backends). */
export function launch(spec: Launch): Storage {
  if (spec.output === 0) return new Float32Array(0);
  const values = spec.inputs.map((input) => (input instanceof Float32Array ? input : input.values));
  const recording = activeRecording();
  if (recording) return recordLaunch(recording, spec, values);
  for (const v of values) if (v instanceof TracedValues) throw staleError(v, spec.op);
  const host = values as HostValues[];
  if (host.some(isPromise)) return Promise.all(host).then((arrays) => run(spec, arrays));
  return run(spec, host as Float32Array[]);
}

/**
 * Runs host bookkeeping (no arithmetic on tensor values) once `inputs` are ready. `op` names
 * the caller in the error a compiled step throws when the inputs are computed inside it.
 */
export function afterInputs<T>(inputs: readonly Tensor[], fn: (arrays: Float32Array[]) => T, op = 'afterInputs'): T | Promise<T> {
  const values = inputs.map((t) => t.values);
  for (const v of values) {
    if (v instanceof TracedValues) {
      if (activeRecording() !== v.recording) throw staleError(v, op);
      if (!v.recording.split) throw new NotCompilableError(op);
      return v.recording.split().then(() => afterInputs(inputs, fn, op));
    }
  }
  const host = values as HostValues[];
  if (host.some(isPromise)) return Promise.all(host).then(fn);
  return fn(host as Float32Array[]);
}
