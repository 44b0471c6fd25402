/**
 * Elementwise kernels with NumPy broadcasting, generated from one expression.
 *
 * A unary op is an expression in `x`; a binary op an expression in `x` and `y`. The kernel
 * source is generated once per expression and layout (tinygrad-style: a small set of kernel
 * shapes, many ops). Layouts, cheapest first:
 * - `same`   both inputs have the output's shape: flat index;
 * - `scalar` one input has one element;
 * - `suffix` one input's shape is a suffix of the output's (a bias over rows): index mod size;
 * - `general` anything else up to rank 4: the flat index is split into 4 coordinates and each
 *   input is read through its broadcast strides (0 along broadcast dimensions).
 * Index arithmetic uses floor((i + 0.5) / d), which is exact in float32 for i < 2^22 and
 * robust to GPU division rounding.
 */
import { getBackend } from '../backend.js';
import type { KernelSource } from '../kernel.js';
import { launch } from '../kernel.js';
import { broadcastShapes, formatShape, sameShape, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';

const sources = new Map<string, KernelSource>();

/**
 * Fewest output values for which webasm spreads an elementwise kernel over its worker pool;
 * smaller ones run on the calling thread, where the arithmetic costs less than the pool's
 * round trip (post, wait, acknowledge). Measured on a training step of the demo's model, with
 * every elementwise kernel below this size: 10 % less CPU time and 27 % less wall time.
 */
const THREADED_MIN_VALUES = 1 << 20;

function compile(key: string, params: string[], body: string): KernelSource {
  let fn = sources.get(key);
  if (!fn) {
    // gpu.js parses the function's source text; a generated function is as good as a written one.
    fn = new Function(...params, body) as KernelSource;
    sources.set(key, fn);
  }
  return fn;
}

/** How one input is read at output index `i`, in kernel source. */
type Layout = 'same' | 'scalar' | 'suffix' | 'general';

function layoutOf(input: readonly number[], out: readonly number[]): Layout {
  if (sameShape(input, out)) return 'same';
  if (sizeOf(input) === 1) return 'scalar';
  const k = input.length;
  if (k <= out.length && input.every((d, j) => d === out[out.length - k + j])) return 'suffix';
  return 'general';
}

function readExpr(name: string, layout: Layout, slot: string): string {
  switch (layout) {
    case 'same':
      return `${name}[i]`;
    case 'scalar':
      return `${name}[0]`;
    case 'suffix':
      return `${name}[i - Math.floor((i + 0.5) / this.constants.n${slot}) * this.constants.n${slot}]`;
    case 'general':
      return `${name}[c0 * this.constants.${slot}0 + c1 * this.constants.${slot}1 + c2 * this.constants.${slot}2 + c3 * this.constants.${slot}3]`;
  }
}

const COORDS = `
  const c0 = Math.floor((i + 0.5) / this.constants.p1);
  const r0 = i - c0 * this.constants.p1;
  const c1 = Math.floor((r0 + 0.5) / this.constants.p2);
  const r1 = r0 - c1 * this.constants.p2;
  const c2 = Math.floor((r1 + 0.5) / this.constants.d3);
  const c3 = r1 - c2 * this.constants.d3;`;

/** Broadcast strides of `input` against a rank-4 padded output. */
function paddedStrides(input: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const strides = stridesOf(input);
  const res = [0, 0, 0, 0];
  for (let j = 0; j < rank; j++) {
    const dimIn = input[input.length - rank + j];
    const s = dimIn === undefined || dimIn === 1 ? 0 : strides[input.length - rank + j];
    res[4 - rank + j] = s;
  }
  return res;
}

function constantsFor(shapes: readonly (readonly number[])[], layouts: Layout[], out: readonly number[], slots: string[]): Record<string, number> {
  const constants: Record<string, number> = {};
  let general = false;
  shapes.forEach((shape, n) => {
    if (layouts[n] === 'suffix') constants[`n${slots[n]}`] = sizeOf(shape);
    if (layouts[n] === 'general') {
      general = true;
      paddedStrides(shape, out).forEach((s, j) => (constants[`${slots[n]}${j}`] = s));
    }
  });
  if (general) {
    const p = [1, 1, 1, 1];
    out.forEach((d, j) => (p[4 - out.length + j] = d));
    constants.p1 = p[1] * p[2] * p[3];
    constants.p2 = p[2] * p[3];
    constants.d3 = p[3];
  }
  return constants;
}

function checkRank(op: string, shapes: readonly (readonly number[])[], layouts: Layout[], out: readonly number[]): void {
  if (layouts.includes('general') && out.length > 4) {
    throw new Error(`${op}: broadcasting ${shapes.map(formatShape).join(' with ')} needs rank ≤ 4; reshape the operands first`);
  }
}

/**
 * Runs `expr` (in `x`, `y`, and optionally `z`, or the given `names`) elementwise over up to three broadcast inputs
 * and returns a float32 tensor of the broadcast shape. No autograd: ops add their rule.
 * `prelude` (kernel source, e.g. `const t = …;`) runs after the inputs are read and before `expr`,
 * so `expr` can reuse a subexpression instead of repeating it.
 */
export function mapElementwise(op: string, expr: string, inputs: readonly Tensor[], outShape?: readonly number[], names: readonly string[] = ['x', 'y', 'z'], prelude = ''): Tensor {
  names = names.slice(0, inputs.length);
  const slots = ['a', 'b', 'c'].slice(0, inputs.length);
  let out = outShape ? [...outShape] : [...inputs[0].shape];
  if (!outShape) for (const t of inputs.slice(1)) out = broadcastShapes(op, out, t.shape);
  const shapes = inputs.map((t) => t.shape);
  const layouts = shapes.map((s) => layoutOf(s, out));
  checkRank(op, shapes, layouts, out);
  const params = slots.map((s) => `${s}In`);
  const body =
    `const i = this.thread.x;` +
    (layouts.includes('general') ? COORDS : '') +
    names.map((name, n) => `\n  const ${name} = ${readExpr(params[n], layouts[n], slots[n])};`).join('') +
    (prelude ? `\n  ${prelude}` : '') +
    `\n  return ${expr};`;
  const key = `${names.join(',')}:${prelude}${expr}#${layouts.join(',')}`;
  const source = compile(key, params, body);
  const size = sizeOf(out);
  const settings = size < THREADED_MIN_VALUES && getBackend().name === 'webasm' ? { asyncMode: false } : undefined;
  const storage = launch({ op: `ew:${key}`, source, output: size, constants: constantsFor(shapes, layouts, out, slots), inputs, settings });
  return new Tensor(storage, out);
}

/** Sums `grad` over the dimensions that were broadcast to reach it, giving `shape`. */
export function reduceToShape(grad: Tensor, shape: readonly number[], sum: (t: Tensor, axes: number[], keepDims: boolean) => Tensor, reshape: (t: Tensor, s: readonly number[]) => Tensor): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let j = 0; j < grad.rank; j++) {
    if (j < lead || (shape[j - lead] === 1 && grad.shape[j] !== 1)) axes.push(j);
  }
  const summed = axes.length ? sum(grad, axes, true) : grad;
  return reshape(summed, shape);
}
