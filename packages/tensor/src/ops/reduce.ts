/**
 * Reduction plumbing: a tensor is viewed as [outer, n, inner] around the reduced axis, and a
 * kernel reduces the middle dimension. Several axes reduce one after another.
 */
import type { KernelSource } from '../kernel.js';
import { launch } from '../kernel.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Axes argument of reductions: one axis, several, or all (undefined). */
export type Axes = number | readonly number[] | undefined;

/** Normalises `axes` to sorted unique non-negative axes. */
export function resolveAxes(op: string, axes: Axes, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const norm = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))];
  return norm.sort((a, b) => a - b);
}

/** The output shape of reducing `axes` of `shape`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Reduces one axis of `x` with `source`, keeping it as size 1. No autograd. */
export function reduceAxis(op: string, source: KernelSource, x: Tensor, axis: number): Tensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const shape = x.shape.map((d, i) => (i === axis ? 1 : d));
  if (n === 0) throw new Error(`${op}: cannot reduce an empty axis ${axis} of ${x}`);
  return new Tensor(launch({ op, source, output: outer * inner, constants: { n, inner }, inputs: [x] }), shape);
}

/** Reduces all `axes` (sorted) of `x` with `source`; keepDims-shaped result. No autograd. */
export function reduceAxes(op: string, source: KernelSource, x: Tensor, axes: readonly number[]): Tensor {
  let out = x;
  for (const axis of axes) out = reduceAxis(op, source, out, axis);
  return out;
}
