/**
 * Tensor: a shape, a dtype and immutable float32 storage, plus the autograd record that
 * produced it.
 *
 * Storage is a `Float32Array` or a promise of one: on synchronous backends (cpu, single-thread
 * webasm) ops compute at once; on asynchronous ones (webgpu, threaded webasm) an op chains its
 * kernel behind its inputs' promises and returns at once. Either way the user program is the
 * same, and `await t.data()` is where values are read. int32 tensors (indices, labels) keep
 * their values as exact integers in float32 storage (exact below 2^24) and read back as
 * `Int32Array`.
 */
import { getBackend } from './backend.js';
import { formatShape, sizeOf } from './shape.js';
import { activeRecording, NotCompilableError, readTraced, staleError, TracedValues } from './trace.js';

/** Element types. */
export type DType = 'float32' | 'int32';

/** The role of a parameter: a weight matrix, a bias, a normalisation gain or bias, an embedding table, a VQ codebook. */
export type ParameterRole = 'weight' | 'bias' | 'norm' | 'embedding' | 'codebook';

/**
 * Storage: the values, a promise of them while an asynchronous kernel runs, or (inside a step
 * being compiled, see compile.ts) a placeholder for values the compiled plan computes.
 */
export type Storage = Float32Array | Promise<Float32Array> | TracedValues;

/** Values a user can build a tensor from. */
export type TensorLike = number | ArrayLike<number> | NestedArray;
/** Nested number arrays, as `[[1, 2], [3, 4]]`. */
export interface NestedArray extends ReadonlyArray<number | NestedArray> {}

/** The autograd record of a tensor produced by a differentiable op. */
export interface GradNode {
  /** The op's name, for error messages and graph dumps. */
  op: string;
  /** The op's tensor inputs, in the order `backward` returns their gradients. */
  inputs: readonly Tensor[];
  /** Given d(loss)/d(output), returns d(loss)/d(input) for each input (null where none flows). */
  backward: (grad: Tensor) => ReadonlyArray<Tensor | null>;
}

let gradEnabled = true;

/** Runs `fn` without recording autograd (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    const out = fn();
    if (out instanceof Promise) {
      // Keep grad off until an async body has finished.
      return out.finally(() => {
        gradEnabled = before;
      }) as T;
    }
    gradEnabled = before;
    return out;
  } catch (error) {
    gradEnabled = before;
    throw error;
  }
}

/** True while autograd records ops (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

export class Tensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Whether gradients flow to this tensor. */
  requiresGrad: boolean;
  /** d(loss)/d(this), set by `backward()` on leaves that require grad. */
  grad: Tensor | null = null;
  /** How this tensor was computed; undefined for leaves and under `noGrad`. */
  node: GradNode | undefined;
  /** Optional name (parameters), shown in errors and checkpoints. */
  name: string | undefined;
  /**
   * What a parameter is for, when its module says so: optimizers decide weight decay by role
   * ('bias', 'norm' and 'codebook' are not decayed), not by name or rank.
   */
  role: ParameterRole | undefined;
  private storage: Storage;

  constructor(storage: Storage, shape: readonly number[], dtype: DType = 'float32', requiresGrad = false) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`tensor: invalid shape ${formatShape(shape)}; dimensions must be integers ≥ 0`);
    }
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.dtype = dtype;
    this.requiresGrad = requiresGrad;
    if (!isPromise(storage) && storage.length !== this.size) {
      throw new Error(`tensor: ${storage.length} values do not fill shape ${formatShape(shape)} (${this.size} elements)`);
    }
    this.storage = storage;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once the values are computed (always, on synchronous backends, outside compiled steps). */
  get isReady(): boolean {
    return !isPromise(this.storage) && !(this.storage instanceof TracedValues);
  }

  /** The storage, for ops: an array, or a promise of one (or a compiled step's placeholder). Never mutate it. */
  get values(): Storage {
    const storage = this.storage;
    if (storage instanceof TracedValues) {
      if (storage.values) return (this.storage = storage.values);
      if (storage.part) return storage.materialized!;
    }
    return storage;
  }

  /** Reads the values (a copy): `Float32Array` for float32, `Int32Array` for int32. */
  async data(): Promise<Float32Array | Int32Array> {
    const storage = this.values;
    const values = await (storage instanceof TracedValues ? readTraced(storage, 't.data()') : storage);
    this.storage = values;
    return this.dtype === 'int32' ? Int32Array.from(values) : values.slice();
  }

  /** Reads the values synchronously; throws on an asynchronous backend before they are computed. */
  dataSync(): Float32Array | Int32Array {
    const values = this.values;
    if (values instanceof TracedValues) {
      throw activeRecording() === values.recording ? new NotCompilableError(`t.dataSync() on the result of '${values.op}'`) : staleError(values, 't.dataSync()');
    }
    if (isPromise(values)) {
      throw new Error(`dataSync: the values of this ${formatShape(this.shape)} tensor are still being computed on backend '${getBackend().name}'; use 'await t.data()'`);
    }
    return this.dtype === 'int32' ? Int32Array.from(values) : values.slice();
  }

  /** Reads a one-element tensor as a number. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, expected 1`);
    return (await this.data())[0];
  }

  /** Reads the values as nested arrays matching the shape. */
  async toArray(): Promise<number | NestedArray> {
    const flat = Array.from(await this.data());
    if (this.rank === 0) return flat[0];
    const build = (dim: number, offset: number): NestedArray => {
      const n = this.shape[dim];
      if (dim === this.rank - 1) return flat.slice(offset, offset + n);
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** A tensor with the same values and no autograd history. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, false);
  }

  /**
   * Replaces the values of a leaf tensor (a parameter) in place, keeping its identity.
   * Used by optimizers and checkpoint loading; the shapes must match.
   */
  assign(value: Tensor | Float32Array): void {
    if (this.node) throw new Error('assign: only leaf tensors (parameters) can be assigned; this one was computed by an op');
    const storage = value instanceof Tensor ? value.values : value;
    const size = value instanceof Tensor ? value.size : value.length;
    if (value instanceof Tensor && formatShape(value.shape) !== formatShape(this.shape)) {
      throw new Error(`assign: shape ${formatShape(value.shape)} does not match ${formatShape(this.shape)}${this.name ? ` of '${this.name}'` : ''}`);
    }
    if (size !== this.size) throw new Error(`assign: ${size} values do not fill shape ${formatShape(this.shape)}`);
    this.storage = storage;
  }

  /**
   * Reverse-mode autograd: accumulates d(this)/d(leaf) into `leaf.grad` for every leaf that
   * requires grad. A non-scalar tensor needs the seed gradient `grad` of its own shape.
   */
  backward(grad?: Tensor): void {
    backward(this, grad);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** @internal Gives a tensor the values a compiled step computed for its placeholder. */
export function settleStorage(t: Tensor, values: Float32Array): void {
  t['storage'] = values;
}

/** Attaches an autograd record to `out` when grad mode is on and some input requires grad. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backwardFn: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward: backwardFn };
  }
  return out;
}

// Filled in by ops/index to avoid an import cycle: accumulating gradients needs `add`.
let accumulate: (a: Tensor, b: Tensor) => Tensor = () => {
  throw new Error('autograd: ops not loaded');
};
let onesLike: (t: Tensor) => Tensor = () => {
  throw new Error('autograd: ops not loaded');
};

/** @internal Wires the ops autograd needs (called once by the ops module). */
export function setAutogradOps(add: (a: Tensor, b: Tensor) => Tensor, ones: (t: Tensor) => Tensor): void {
  accumulate = add;
  onesLike = ones;
}

function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`backward: ${root} does not require grad; no parameter or input with requiresGrad was used to compute it`);
  if (seed === undefined && root.size !== 1) {
    throw new Error(`backward: ${root} is not a scalar; pass the seed gradient of shape ${formatShape(root.shape)} (t.backward(grad))`);
  }
  if (seed !== undefined && formatShape(seed.shape) !== formatShape(root.shape)) {
    throw new Error(`backward: seed gradient of shape ${formatShape(seed.shape)} does not match ${formatShape(root.shape)}`);
  }
  // Topological order by depth-first search (iterative: graphs can be deep).
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const next = inputs[i];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, seed ?? onesLike(root));
    for (let n = order.length - 1; n >= 0; n--) {
      const t = order[n];
      const g = grads.get(t);
      if (!g) continue;
      if (!t.node) {
        t.grad = t.grad ? accumulate(t.grad, g) : g;
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (!ig || !input.requiresGrad) return;
        if (formatShape(ig.shape) !== formatShape(input.shape)) {
          throw new Error(`backward: op '${t.node?.op}' returned a gradient of shape ${formatShape(ig.shape)} for an input of shape ${formatShape(input.shape)}`);
        }
        const prev = grads.get(input);
        grads.set(input, prev ? accumulate(prev, ig) : ig);
      });
      grads.delete(t);
    }
  });
}
