/**
 * Module: a container of parameters and sub-modules, found by walking the object's own
 * properties (tensors that require grad, modules, and arrays or maps of them), so a model is
 * plain fields and the optimizer, checkpoints and `train()/eval()` need no registration calls.
 * Parameter names are property paths: `blocks.0.attention.query`.
 */
import { randn, zeros, type RandomOptions } from './creation.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

function children(value: unknown, path: string, visit: (path: string, value: Tensor | Module) => void, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  if (value instanceof Tensor) {
    if (value.requiresGrad && !value.node) visit(path, value);
    return;
  }
  seen.add(value);
  if (value instanceof Module) {
    visit(path, value);
    for (const [key, field] of value.namedFields()) children(field, path ? `${path}.${key}` : key, visit, seen);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => children(v, `${path}.${i}`, visit, seen));
  } else if (value instanceof Map) {
    for (const [k, v] of value) children(v, `${path}.${String(k)}`, visit, seen);
  }
}

export abstract class Module {
  /** Training mode (dropout on, routers' training behaviour); switched by `train()` / `eval()`. */
  training = true;

  /**
   * The fields that may hold parameters and sub-modules, as [name, value] in order: their names
   * and order become the parameters' names and order (checkpoints, the optimizer, gradient
   * clipping). Default: the object's own properties, `training` aside. A module overrides it
   * when a part moves into a sub-module whose parameters must keep their names and places.
   */
  namedFields(): Array<[string, unknown]> {
    return Object.entries(this).filter(([key]) => key !== 'training');
  }

  /** Parameters by property path, in a stable order. */
  namedParameters(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    children(this, '', (path, v) => {
      if (v instanceof Tensor) out.push([path, v]);
    }, new Set());
    return out;
  }

  /** All parameters. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sub-modules (this one included) by property path. */
  namedModules(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    children(this, '', (path, v) => {
      if (v instanceof Module) out.push([path, v]);
    }, new Set());
    return out;
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode on this module and every sub-module. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Non-parameter state by name — running statistics, EMA averages, frozen random maps, usage
   * counters — that a checkpoint must hold for a run to resume exactly. None by default;
   * modules with such state override this and `loadBuffers`.
   */
  async buffers(): Promise<Record<string, Float32Array>> {
    return {};
  }

  /** Restores what `buffers()` returned. */
  loadBuffers(state: Record<string, Float32Array>): void {
    const names = Object.keys(state);
    if (names.length) throw new Error(`loadBuffers: ${this.constructor.name} has no buffers, got ${names.slice(0, 3).join(', ')}`);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameter values by name (shared storage; values are immutable). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters().map(([name, p]) => [name, p.detach()]));
  }

  /** Loads parameter values by name; every parameter must be present with its shape, and no extra name allowed. */
  loadStateDict(state: Record<string, Tensor | { shape: readonly number[]; data: Float32Array }>): void {
    const params = new Map(this.namedParameters());
    const extra = Object.keys(state).filter((k) => !params.has(k));
    const missing = [...params.keys()].filter((k) => !(k in state));
    if (extra.length || missing.length) {
      throw new Error(`loadStateDict: names do not match the model${missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` : ''}${extra.length ? `; unexpected: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}` : ''}`);
    }
    // Validate every entry before assigning any, so a rejected load leaves the model unchanged.
    for (const [name, p] of params) {
      const shape = state[name].shape;
      if (formatShape(shape) !== formatShape(p.shape)) throw new Error(`loadStateDict: '${name}' has shape ${formatShape(shape)}, the model expects ${formatShape(p.shape)}`);
    }
    for (const [name, p] of params) {
      const v = state[name];
      p.assign(v instanceof Tensor ? v : new Tensor(v.data, v.shape));
    }
  }
}

/** A trainable tensor (a leaf that requires grad) with a name. */
export function parameter(values: Tensor, name?: string): Tensor {
  const p = new Tensor(values.values, values.shape, 'float32', true);
  p.name = name;
  return p;
}

/** Initialisers for weights of shape [fanIn, fanOut] (or any shape, with explicit fan-in). */
export const init = {
  /** Normal(0, std). */
  normal(shape: readonly number[], std: number, options: RandomOptions = {}): Tensor {
    return parameter(randn(shape, std, options));
  },
  /** Xavier/Glorot normal: std = √(2/(fanIn + fanOut)) for [fanIn, fanOut]. */
  xavier(shape: readonly number[], options: RandomOptions = {}): Tensor {
    const fanIn = shape[shape.length - 2] ?? shape[0];
    const fanOut = shape[shape.length - 1];
    return parameter(randn(shape, Math.sqrt(2 / (fanIn + fanOut)), options));
  },
  /** Zeros. */
  zeros(shape: readonly number[]): Tensor {
    return parameter(zeros(shape));
  },
  /** Ones (norm gains). */
  ones(shape: readonly number[]): Tensor {
    return parameter(zeros(shape).add(1).detach());
  },
};
