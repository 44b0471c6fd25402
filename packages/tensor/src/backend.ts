/**
 * Backends: one gpu.js `GPU` instance per backend, and the kernel cache.
 *
 * Every op's arithmetic is a gpu.js kernel. A kernel is compiled once per
 * (backend, op, constants, output size, input sizes) and cached here.
 *
 * Backends:
 * - `cpu`        gpu.js's plain-JS reference; synchronous.
 * - `webasm`     gpu.js WebAssembly + f32x4 SIMD. With `threads` (the default) kernels run under
 *                the async contract, which lets gpu.js split large kernels across its worker pool.
 * - `webgpu`     gpu.js WGSL compute shaders; always asynchronous. Needs `navigator.gpu`
 *                (in Node, import `@smoe/tensor/node` first, which provides it). The device is
 *                released when no kernel has been in flight for `idleReleaseMs`, and when the
 *                backend is replaced, and acquired again on the next kernel: in Node a live
 *                Dawn device keeps the process running (and busy), so a script that used WebGPU
 *                could never end by itself otherwise. Once a compiled step's pipeline holds the
 *                backend's kernels, the device stays until the backend is replaced.
 *
 * The user-facing contract is the same on all of them: ops return tensors at once, and reading
 * values (`await t.data()`) is the one awaited step.
 */
import gpujs from '@smoe/gpu.js';
import type { IKernelRunShortcut, IGPUSettings, IPipelineRunShortcut, IPipelineSettings, PipelineFunction } from '@smoe/gpu.js';

const { GPU, WebGPUContext } = gpujs as typeof gpujs & { WebGPUContext: { destroy(): Promise<void> } };
type GPUInstance = InstanceType<typeof GPU>;

/** The backends smoe can run on. */
export type BackendName = 'cpu' | 'webasm' | 'webgpu';

/** All backend names, in the order the automatic choice tries them (fastest measured first). */
export const backendNames: readonly BackendName[] = ['webasm', 'webgpu', 'cpu'];

/** What a kernel receives inside its body (`this`). */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
  constants: Record<string, number>;
}

/** A compiled kernel: host arrays in, a host array (or a promise of one) out. */
export type CompiledKernel = (...args: Float32Array[]) => Float32Array | Promise<Float32Array>;

/** A gpu.js kernel as gpu.js returns it (nested results for 2-D/3-D or `Array(n)` outputs). */
export type KernelShortcut = IKernelRunShortcut;

/** Options for one backend. */
export interface BackendOptions {
  /** webasm only: run kernels under the async contract so gpu.js may use its worker pool. Default true. */
  threads?: boolean;
  /**
   * webgpu only: milliseconds with no kernel in flight after which the device is released (its
   * kernels are dropped and recompiled on next use). Default 1000; at least 0.
   */
  idleReleaseMs?: number;
}

/** A live backend: the gpu.js instance and its compiled kernels. */
export class Backend {
  readonly name: BackendName;
  /** True when kernels return promises (webgpu, threaded webasm). */
  readonly async: boolean;
  private gpu: GPUInstance;
  private readonly kernels = new Map<string, CompiledKernel>();
  private readonly shortcuts = new Map<string, KernelShortcut>();
  private readonly idleReleaseMs: number;
  private inFlight = 0;
  /** A compiled step's pipeline holds this instance's kernels: the device then stays until destroy(). */
  private holdsPipelines = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(name: BackendName, options: BackendOptions = {}) {
    this.name = name;
    const threads = options.threads ?? true;
    this.async = name === 'webgpu' || (name === 'webasm' && threads);
    this.gpu = new GPU({ mode: name } as IGPUSettings);
    this.idleReleaseMs = options.idleReleaseMs ?? 1000;
    if (!(this.idleReleaseMs >= 0)) {
      throw new Error(`Backend: idleReleaseMs must be a number of milliseconds ≥ 0, got ${options.idleReleaseMs}`);
    }
  }

  /** Number of kernels compiled so far (one per op, shape and backend). */
  get kernelCount(): number {
    return this.kernels.size;
  }

  /**
   * Returns the cached kernel for `key`, compiling it from `source` on first use.
   * `output` is the flat output length, or the gpu.js output dimensions `[x, y, z]` (x fastest)
   * for a kernel that reads `this.thread.y`/`z`; `constants` are compiled into the kernel;
   * `extra` adds per-kernel gpu.js settings (e.g. `strictIntegers`, webasm's `flatOutput` and
   * `asyncMode: false`).
   * Whatever the dimensions or the return type (`Array(4)` included), the compiled kernel
   * returns one flat `Float32Array`, x fastest, components interleaved.
   */
  kernel(
    key: string,
    source: (this: KernelThis, ...args: Float32Array[]) => number | number[],
    output: number | readonly number[],
    constants: Record<string, number>,
    extra?: Record<string, unknown>,
  ): CompiledKernel {
    let compiled = this.kernels.get(key);
    if (!compiled) {
      const settings: Record<string, unknown> = {
        output: typeof output === 'number' ? [output] : [...output],
        constants,
        tactic: 'precision',
        precision: 'single',
        loopMaxIterations: 1 << 24,
      };
      if (this.async) settings.asyncMode = true;
      // per-kernel settings win: `asyncMode: false` runs a cheap kernel on the calling thread
      // of an asynchronous webasm backend (its result is then an array, not a promise)
      Object.assign(settings, extra);
      // gpu.js's cpu backend has no componentRows: it returns interleaved cells, rearranged here
      const hostRows = this.name === 'cpu' && settings.componentRows === true;
      if (hostRows) delete settings.componentRows;
      const k = this.gpu.createKernel(source as never, settings as never) as IKernelRunShortcut;
      this.shortcuts.set(key, k);
      compiled = k as unknown as CompiledKernel;
      if (typeof output !== 'number' || extra) {
        // nested results (2-D/3-D outputs, Array(n) returns, a backend without flatOutput)
        // come back flat; a flat result passes through untouched
        const run = compiled;
        const dims = typeof output === 'number' ? [output] : output;
        const cells = dims.reduce((product, d) => product * d, 1);
        const shape = hostRows ? (result: unknown) => componentRows(flatten(result), dims[0], cells) : flatten;
        compiled = (...args) => {
          const result = run(...args);
          return isPromiseLike(result) ? result.then(shape) : shape(result);
        };
      }
      if (this.name === 'webgpu') compiled = this.trackIdle(compiled);
      this.kernels.set(key, compiled);
    }
    return compiled;
  }

  /** The gpu.js kernel behind `kernel(key, …)`, as gpu.js returns it; for compiled steps' plans. */
  shortcut(key: string): KernelShortcut {
    const k = this.shortcuts.get(key);
    if (!k) throw new Error(`shortcut: no kernel '${key}' has been compiled on backend '${this.name}'`);
    return k;
  }

  /**
   * A gpu.js pipeline over this backend's kernels (see `gpu.createPipeline`): `fn` is traced
   * once with handles, and the recorded kernel calls run as one plan.
   */
  pipeline(fn: PipelineFunction, settings: IPipelineSettings): IPipelineRunShortcut {
    this.holdsPipelines = true;
    return this.gpu.createPipeline(fn, settings);
  }

  /** Counts a webgpu kernel's runs in flight; the last one to settle arms the release timer. */
  private trackIdle(run: CompiledKernel): CompiledKernel {
    return (...args) => {
      clearTimeout(this.idleTimer);
      this.inFlight++;
      const settle = (): void => {
        if (--this.inFlight > 0) return;
        clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => this.releaseDevice(), this.idleReleaseMs);
        // the timer alone never holds the process (the device does, until released)
        (this.idleTimer as { unref?: () => void }).unref?.();
      };
      let result: ReturnType<CompiledKernel>;
      try {
        result = run(...args);
      } catch (error) {
        settle();
        throw error;
      }
      if (isPromiseLike<Float32Array>(result)) {
        result.then(settle, settle);
      } else {
        settle();
      }
      return result;
    };
  }

  /** webgpu: drops the compiled kernels and destroys the shared device; the next kernel acquires a fresh one. */
  private releaseDevice(): void {
    if (this.inFlight > 0 || this.holdsPipelines) return;
    const old = this.gpu;
    this.kernels.clear();
    this.shortcuts.clear();
    this.gpu = new GPU({ mode: this.name } as IGPUSettings);
    // the shared device is forgotten at once (a kernel compiled from now on acquires a new one)
    // and destroyed, with the old instance's kernels and buffers, when its promise settles
    void WebGPUContext.destroy();
    void old.destroy();
  }

  /** Releases every compiled kernel and the gpu.js instance (worker pool, device). */
  destroy(): void {
    clearTimeout(this.idleTimer);
    this.kernels.clear();
    this.shortcuts.clear();
    if (this.name === 'webgpu') void WebGPUContext.destroy();
    void this.gpu.destroy();
  }
}

function isPromiseLike<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/**
 * Interleaved Array(n) results (n floats per cell, `cells` cells in rows of `width`) in the
 * layout gpu.js's `componentRows` writes: each row of cells becomes n rows, one per component.
 */
export function componentRows(values: Float32Array, width: number, cells: number): Float32Array {
  const n = values.length / cells;
  const out = new Float32Array(values.length);
  for (let row = 0; row < cells / width; row++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < n; c++) out[(row * n + c) * width + x] = values[(row * width + x) * n + c];
    }
  }
  return out;
}

/** A kernel result as one flat Float32Array: typed arrays pass through, nested arrays are concatenated in order. */
export function flatten(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  const parts: ArrayLike<number>[] = [];
  let length = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'number') {
      parts.push([v]);
      length += 1;
    } else if (ArrayBuffer.isView(v)) {
      parts.push(v as unknown as ArrayLike<number>);
      length += (v as unknown as ArrayLike<number>).length;
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else {
      throw new Error(`kernel: unexpected result of type ${typeof v}`);
    }
  };
  walk(value);
  const out = new Float32Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

let current: Backend | undefined;
const probes = new Map<BackendName, () => Promise<boolean>>();

/** Registers an availability probe for a backend (the Node entry point registers webgpu's). */
export function registerBackendProbe(name: BackendName, probe: () => Promise<boolean>): void {
  probes.set(name, probe);
}

/** True when `name` can run here: gpu.js supports it and its runtime answers. */
export async function isBackendAvailable(name: BackendName): Promise<boolean> {
  const probe = probes.get(name);
  if (probe) return probe();
  switch (name) {
    case 'cpu':
      return true;
    case 'webasm':
      return GPU.isWebAssemblySupported === true || typeof WebAssembly === 'object';
    case 'webgpu':
      return typeof navigator !== 'undefined' && (await (GPU as unknown as { isWebGPUAvailable(): Promise<boolean> }).isWebGPUAvailable());
    default:
      return false;
  }
}

function checkName(name: string): asserts name is BackendName {
  if (!(backendNames as readonly string[]).includes(name)) {
    throw new Error(`setBackend: unknown backend '${name}'; use one of auto, ${backendNames.join(', ')}`);
  }
}

let autoSelect: (() => Promise<Backend>) | undefined;

/** @internal Wires the measured choice (auto.ts) without an import cycle. */
export function setAutoSelect(fn: () => Promise<Backend>): void {
  autoSelect = fn;
}

/**
 * Selects the backend every following op runs on. Throws when it is not available here.
 * Without a name: `SMOE_BACKEND` if set, else 'auto' — the fastest backend measured here
 * (see `measureBackends`).
 */
export async function setBackend(name?: BackendName | 'auto' | string, options: BackendOptions = {}): Promise<Backend> {
  const env = typeof process !== 'undefined' ? process.env?.SMOE_BACKEND : undefined;
  const chosen = name ?? env ?? 'auto';
  if (chosen === 'auto') {
    if (!autoSelect) throw new Error("setBackend: 'auto' is not wired; import from '@smoe/tensor'");
    return autoSelect();
  }
  checkName(chosen);
  if (!(await isBackendAvailable(chosen))) {
    throw new Error(
      `setBackend: backend '${chosen}' is not available here` +
        (chosen === 'webgpu' ? ' (no WebGPU adapter; in Node import "@smoe/tensor/node" and install a Vulkan driver such as Mesa lavapipe)' : ''),
    );
  }
  if (current && current.name === chosen && current.async === (chosen === 'webgpu' || (chosen === 'webasm' && (options.threads ?? true)))) {
    return current;
  }
  current?.destroy();
  current = new Backend(chosen, options);
  return current;
}

/** The backend ops run on now; on first use, `SMOE_BACKEND` or webasm (synchronously usable ones only). */
export function getBackend(): Backend {
  if (!current) {
    const env = typeof process !== 'undefined' ? process.env?.SMOE_BACKEND : undefined;
    const name = env ?? 'webasm';
    checkName(name);
    if (name === 'webgpu') {
      throw new Error(`getBackend: SMOE_BACKEND=${name} must be selected with 'await setBackend()' before the first op`);
    }
    current = new Backend(name);
  }
  return current;
}
