/**
 * Test helpers for the op suites (not a test file itself): plain-JS float64 reference
 * implementations of every op, seeded inputs, and the tolerances every op test uses.
 *
 * Tolerances, elementwise |got − want| ≤ atol + rtol·|want|:
 * - forward on cpu against the float64 reference: rtol 1e-5, atol 1e-5 (gpu.js's cpu kernels
 *   compute in JS doubles and round to float32 once per kernel);
 * - forward on webasm / webgpu against the reference, and agreement of webasm / webgpu with
 *   cpu (backends.test.ts): rtol 1e-4, atol 1e-4 (float32 arithmetic inside kernels and the
 *   driver's own exp / log / tanh);
 * - backward: `gradcheck`'s defaults (central differences, step 1e-2; atol 2e-3, rtol 2e-2),
 *   on inputs of a few dozen elements kept away from kinks and ties.
 * References take the same float32 input values as the op and compute in float64.
 */
import { expect } from 'vitest';
import type { BackendName } from '../backend.js';
import { gradcheck, type GradcheckOptions } from '../gradcheck.js';
import { Rng } from '../rng.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';

// ---------------------------------------------------------------------------------------------
// Tolerances

/** An elementwise tolerance: |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Forward on cpu against the float64 reference. */
export const CPU_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-5 };
/** Forward on webasm / webgpu against the reference, and their agreement with cpu. */
export const BACKEND_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-4 };
/** Gradient checks: gradcheck's defaults, written out. */
export const GRADCHECK_OPTIONS: Required<Pick<GradcheckOptions, 'eps' | 'atol' | 'rtol'>> = { eps: 1e-2, atol: 2e-3, rtol: 2e-2 };

/** The forward tolerance of `backend`. */
export function toleranceFor(backend: BackendName): Tolerance {
  return backend === 'cpu' ? CPU_TOLERANCE : BACKEND_TOLERANCE;
}

// ---------------------------------------------------------------------------------------------
// Reference arrays

/** A reference array: a shape and float64 values, row-major. */
export interface Ref {
  shape: number[];
  data: number[];
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const coords = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return coords;
}

function ravel(coords: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + coords[d];
  return i;
}

function axis(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

/** A reference array from a shape and values. */
export function ref(shape: readonly number[], data: ArrayLike<number>): Ref {
  if (sizeOf(shape) !== data.length) throw new Error(`ref: ${data.length} values for shape [${shape.join(', ')}]`);
  return { shape: [...shape], data: Array.from(data) };
}

/** The reference array of a tensor's values. */
export async function refOf(t: Tensor): Promise<Ref> {
  return ref(t.shape, await t.data());
}

/** NumPy broadcasting of shapes. */
export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1) {
        if (d !== 1 && d !== v) throw new Error('broadcastShape: incompatible');
        d = v;
      }
    }
    out.push(d);
  }
  return out;
}

/** The value of `a` at output coordinates `coords` of a broadcast shape. */
function readBroadcast(a: Ref, coords: readonly number[]): number {
  const lead = coords.length - a.shape.length;
  let i = 0;
  for (let d = 0; d < a.shape.length; d++) i = i * a.shape[d] + (a.shape[d] === 1 ? 0 : coords[lead + d]);
  return a.data[i];
}

/** `f` over broadcast inputs. */
export function refZipN(inputs: readonly Ref[], f: (...xs: number[]) => number): Ref {
  const shape = broadcastShape(...inputs.map((r) => r.shape));
  const data = new Array<number>(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, shape);
    data[i] = f(...inputs.map((r) => readBroadcast(r, c)));
  }
  return { shape, data };
}

export function refMap(a: Ref, f: (x: number) => number): Ref {
  return { shape: [...a.shape], data: a.data.map(f) };
}

export function refZip(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  return refZipN([a, b], f);
}

export function refBroadcastTo(a: Ref, shape: readonly number[]): Ref {
  return refZipN([a, ref(shape, new Array(sizeOf(shape)).fill(0))], (x) => x);
}

export function refReshape(a: Ref, shape: readonly number[]): Ref {
  return ref(shape, a.data);
}

/** Output dimension j is input dimension order[j]. */
export function refPermute(a: Ref, order: readonly number[]): Ref {
  const ord = order.map((o) => axis(o, a.shape.length));
  const shape = ord.map((o) => a.shape[o]);
  const data = new Array<number>(a.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, shape);
    const src = new Array<number>(a.shape.length);
    ord.forEach((o, j) => (src[o] = c[j]));
    data[i] = a.data[ravel(src, a.shape)];
  }
  return { shape, data };
}

export function refTranspose(a: Ref, a0 = -2, a1 = -1): Ref {
  const order = a.shape.map((_, i) => i);
  const x = axis(a0, a.shape.length);
  const y = axis(a1, a.shape.length);
  [order[x], order[y]] = [order[y], order[x]];
  return refPermute(a, order);
}

export function refSlice(a: Ref, ax: number, start: number, length: number): Ref {
  const k = axis(ax, a.shape.length);
  const shape = a.shape.map((d, i) => (i === k ? length : d));
  const data = new Array<number>(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, shape);
    c[k] += start;
    data[i] = a.data[ravel(c, a.shape)];
  }
  return { shape, data };
}

export function refConcat(list: readonly Ref[], ax: number): Ref {
  const k = axis(ax, list[0].shape.length);
  const shape = [...list[0].shape];
  shape[k] = list.reduce((n, r) => n + r.shape[k], 0);
  const data = new Array<number>(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, shape);
    let j = 0;
    while (c[k] >= list[j].shape[k]) c[k] -= list[j++].shape[k];
    data[i] = list[j].data[ravel(c, list[j].shape)];
  }
  return { shape, data };
}

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min';

/** Reduces `axes` (all when undefined) of `a`. */
export function refReduce(a: Ref, axes: number | readonly number[] | undefined, keepDims: boolean, kind: ReduceKind): Ref {
  const rank = a.shape.length;
  const list = axes === undefined ? a.shape.map((_, i) => i) : (typeof axes === 'number' ? [axes] : [...axes]).map((x) => axis(x, rank));
  const kept = a.shape.map((d, i) => (list.includes(i) ? 1 : d));
  const acc = new Array<number[]>(sizeOf(kept)).fill([]).map(() => [] as number[]);
  for (let i = 0; i < a.data.length; i++) {
    const c = unravel(i, a.shape).map((v, d) => (list.includes(d) ? 0 : v));
    acc[ravel(c, kept)].push(a.data[i]);
  }
  const data = acc.map((vs) => {
    switch (kind) {
      case 'sum':
        return vs.reduce((s, v) => s + v, 0);
      case 'mean':
        return vs.reduce((s, v) => s + v, 0) / vs.length;
      case 'max':
        return Math.max(...vs);
      case 'min':
        return Math.min(...vs);
    }
  });
  return { shape: keepDims ? kept : a.shape.filter((_, i) => !list.includes(i)), data };
}

/** Applies `f` to every 1-D row along `ax` (row in, row of the same length out). */
export function refAlongAxis(a: Ref, ax: number, f: (row: number[]) => number[]): Ref {
  const k = axis(ax, a.shape.length);
  const n = a.shape[k];
  const inner = sizeOf(a.shape.slice(k + 1));
  const outer = sizeOf(a.shape.slice(0, k));
  const data = new Array<number>(a.data.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const row = Array.from({ length: n }, (_, q) => a.data[(o * n + q) * inner + j]);
      f(row).forEach((v, q) => (data[(o * n + q) * inner + j] = v));
    }
  }
  return { shape: [...a.shape], data };
}

function logSumExpRow(row: readonly number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}

export function refSoftmax(a: Ref, ax = -1): Ref {
  return refAlongAxis(a, ax, (row) => {
    const l = logSumExpRow(row);
    return row.map((v) => Math.exp(v - l));
  });
}

export function refLogSoftmax(a: Ref, ax = -1): Ref {
  return refAlongAxis(a, ax, (row) => {
    const l = logSumExpRow(row);
    return row.map((v) => v - l);
  });
}

/** logsumexp over the last axis. */
export function refLogSumExp(a: Ref, keepDims = false): Ref {
  const n = a.shape[a.shape.length - 1];
  const data: number[] = [];
  for (let r = 0; r < a.data.length / n; r++) data.push(logSumExpRow(a.data.slice(r * n, (r + 1) * n)));
  const shape = keepDims ? [...a.shape.slice(0, -1), 1] : a.shape.slice(0, -1);
  return { shape, data };
}

/** Cross-entropy of logits [N, C] against integer targets [N]. */
export function refCrossEntropy(logits: Ref, targets: readonly number[], ignoreIndex = -100, reduction: 'mean' | 'sum' | 'none' = 'mean'): Ref {
  const [rows, c] = logits.shape;
  const losses: number[] = [];
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignoreIndex) {
      losses.push(0);
      continue;
    }
    counted++;
    const row = logits.data.slice(r * c, (r + 1) * c);
    losses.push(logSumExpRow(row) - row[targets[r]]);
  }
  if (reduction === 'none') return ref([rows], losses);
  const total = losses.reduce((s, v) => s + v, 0);
  return ref([], [reduction === 'sum' ? total : total / Math.max(counted, 1)]);
}

/** Layer norm over the last axis (biased variance). */
export function refLayerNorm(x: Ref, weight?: Ref, bias?: Ref, eps = 1e-5): Ref {
  const n = x.shape[x.shape.length - 1];
  const out = refAlongAxis(x, -1, (row) => {
    const mu = row.reduce((s, v) => s + v, 0) / n;
    const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / n;
    return row.map((v, j) => ((v - mu) / Math.sqrt(variance + eps)) * (weight ? weight.data[j] : 1) + (bias ? bias.data[j] : 0));
  });
  return out;
}

/** RMS norm over the last axis. */
export function refRmsNorm(x: Ref, weight?: Ref, eps = 1e-6): Ref {
  const n = x.shape[x.shape.length - 1];
  return refAlongAxis(x, -1, (row) => {
    const ms = row.reduce((s, v) => s + v * v, 0) / n;
    return row.map((v, j) => (v / Math.sqrt(ms + eps)) * (weight ? weight.data[j] : 1));
  });
}

/** Batched matmul; equal batch dimensions, or one operand 2-D and shared. */
export function refMatmul(a: Ref, b: Ref, transposeA = false, transposeB = false): Ref {
  const A = transposeA ? refTranspose(a) : a;
  const B = transposeB ? refTranspose(b) : b;
  const [m, k] = A.shape.slice(-2);
  const [k2, n] = B.shape.slice(-2);
  if (k !== k2) throw new Error('refMatmul: inner dimensions differ');
  const aLead = A.shape.slice(0, -2);
  const bLead = B.shape.slice(0, -2);
  const lead = aLead.length ? aLead : bLead;
  const batches = sizeOf(lead);
  const data: number[] = [];
  for (let t = 0; t < batches; t++) {
    const aOff = aLead.length ? t * m * k : 0;
    const bOff = bLead.length ? t * k * n : 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += A.data[aOff + i * k + q] * B.data[bOff + q * n + j];
        data.push(s);
      }
    }
  }
  return { shape: [...lead, m, n], data };
}

/** out[p] = x[p] · w[group[p]] for x [P, K], w [E, K, N]. */
export function refGroupedMatmul(x: Ref, w: Ref, group: readonly number[]): Ref {
  const [rows, k] = x.shape;
  const n = w.shape[2];
  const data: number[] = [];
  for (let p = 0; p < rows; p++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += x.data[p * k + q] * w.data[(group[p] * k + q) * n + j];
      data.push(s);
    }
  }
  return ref([rows, n], data);
}

/** out[..., j] = x[..., idx[..., j]] along the last axis. */
export function refGather(x: Ref, idx: Ref): Ref {
  const n = x.shape[x.shape.length - 1];
  const k = idx.shape[idx.shape.length - 1];
  return ref(idx.shape, idx.data.map((v, i) => x.data[Math.floor(i / k) * n + v]));
}

export function refIndexSelect(x: Ref, ax: number, idx: readonly number[]): Ref {
  const k = axis(ax, x.shape.length);
  const shape = x.shape.map((d, i) => (i === k ? idx.length : d));
  const data = new Array<number>(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, shape);
    c[k] = idx[c[k]];
    data[i] = x.data[ravel(c, x.shape)];
  }
  return { shape, data };
}

export function refIndexAdd(base: Ref, ax: number, idx: readonly number[], src: Ref): Ref {
  const k = axis(ax, base.shape.length);
  const data = [...base.data];
  for (let i = 0; i < src.data.length; i++) {
    const c = unravel(i, src.shape);
    c[k] = idx[c[k]];
    data[ravel(c, base.shape)] += src.data[i];
  }
  return { shape: [...base.shape], data };
}

export function refEmbedding(weight: Ref, ids: Ref): Ref {
  const d = weight.shape[1];
  const data: number[] = [];
  for (const id of ids.data) data.push(...weight.data.slice(id * d, (id + 1) * d));
  return ref([...ids.shape, d], data);
}

/** The k largest along the last axis, largest first, ties to the lower index. */
export function refTopk(x: Ref, k: number): { values: Ref; indices: Ref } {
  const n = x.shape[x.shape.length - 1];
  const values: number[] = [];
  const indices: number[] = [];
  for (let r = 0; r < x.data.length / n; r++) {
    const row = x.data.slice(r * n, (r + 1) * n);
    const order = row.map((_, i) => i).sort((p, q) => row[q] - row[p] || p - q);
    for (const i of order.slice(0, k)) {
      values.push(row[i]);
      indices.push(i);
    }
  }
  const shape = [...x.shape.slice(0, -1), k];
  return { values: ref(shape, values), indices: ref(shape, indices) };
}

/** Index of the largest (sign 1) or smallest (sign −1) along the last axis; first on ties. */
export function refArgExtreme(x: Ref, sign: 1 | -1): Ref {
  const n = x.shape[x.shape.length - 1];
  const data: number[] = [];
  for (let r = 0; r < x.data.length / n; r++) {
    let at = 0;
    for (let q = 1; q < n; q++) if (sign * x.data[r * n + q] > sign * x.data[r * n + at]) at = q;
    data.push(at);
  }
  return ref(x.shape.slice(0, -1), data);
}

export function refOneHot(idx: Ref, depth: number): Ref {
  const data: number[] = [];
  for (const v of idx.data) for (let c = 0; c < depth; c++) data.push(v === c ? 1 : 0);
  return ref([...idx.shape, depth], data);
}

/** Scores [..., T, S]: key s after query t (s > t + S − T) replaced by `fill`. */
export function refCausalMask(scores: Ref, fill = -1e30): Ref {
  const [t, s] = scores.shape.slice(-2);
  return ref(
    scores.shape,
    scores.data.map((v, i) => {
      const r = i % (t * s);
      const q = Math.floor(r / s);
      const key = r % s;
      return key > q + s - t ? fill : v;
    }),
  );
}

/** softmax(q·kᵀ/√d [masked])·v for q [B, H, T, d], k, v [B, H, S, d]. */
export function refAttention(q: Ref, k: Ref, v: Ref, causal = true): Ref {
  const d = q.shape[3];
  let scores = refMap(refMatmul(q, k, false, true), (x) => x / Math.sqrt(d));
  if (causal) scores = refCausalMask(scores);
  return refMatmul(refSoftmax(scores), v);
}

/** [B, T, H·d] → [B, H, T, d]. */
export function refSplitHeads(x: Ref, heads: number): Ref {
  const [b, t, w] = x.shape;
  return refPermute(refReshape(x, [b, t, heads, w / heads]), [0, 2, 1, 3]);
}

/** [B, H, T, d] → [B, T, H·d]. */
export function refMergeHeads(x: Ref): Ref {
  const [b, h, t, d] = x.shape;
  return refReshape(refPermute(x, [0, 2, 1, 3]), [b, t, h * d]);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Scalar references of the unary ops. */
export const unaryRefs = {
  neg: (x: number) => -x,
  exp: (x: number) => Math.exp(x),
  log: (x: number) => Math.log(x),
  sqrt: (x: number) => Math.sqrt(x),
  rsqrt: (x: number) => 1 / Math.sqrt(x),
  square: (x: number) => x * x,
  abs: (x: number) => Math.abs(x),
  relu: (x: number) => Math.max(x, 0),
  gelu: (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x: number) => x * sigmoid(x),
  tanh: (x: number) => Math.tanh(x),
  sigmoid,
  softplus: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
} as const;

/** Scalar references of the binary ops. */
export const binaryRefs = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  maximum: (x: number, y: number) => Math.max(x, y),
  minimum: (x: number, y: number) => Math.min(x, y),
} as const;

// ---------------------------------------------------------------------------------------------
// Inputs

/** Options of seeded inputs. */
export interface InputOptions {
  low?: number;
  high?: number;
  requiresGrad?: boolean;
  /** Push values within `margin` of any of these points out to the margin (kinks of relu, abs). */
  avoid?: readonly number[];
  margin?: number;
}

/** Seeded uniform values in [low, high), as float32. */
export function seededValues(n: number, seed: number, options: InputOptions = {}): Float32Array {
  const values = new Rng(seed).uniformArray(n, options.low ?? -2, options.high ?? 2);
  const margin = options.margin ?? 0.05;
  for (const p of options.avoid ?? []) {
    for (let i = 0; i < n; i++) {
      const d = values[i] - p;
      if (Math.abs(d) < margin) values[i] = p + (d < 0 ? -margin : margin);
    }
  }
  return values;
}

/** A seeded float32 tensor and its reference. */
export function seeded(shape: readonly number[], seed: number, options: InputOptions = {}): [Tensor, Ref] {
  const values = seededValues(sizeOf(shape), seed, options);
  return [tensor(values, shape, { requiresGrad: options.requiresGrad ?? false }), ref(shape, values)];
}

/**
 * A seeded shuffle of distinct values spaced `spacing` apart (for max / min / topk, whose
 * finite differences need no near-ties), as a tensor and its reference.
 */
export function distinct(shape: readonly number[], seed: number, options: { spacing?: number; requiresGrad?: boolean } = {}): [Tensor, Ref] {
  const n = sizeOf(shape);
  const spacing = options.spacing ?? 0.1;
  const rng = new Rng(seed);
  const values = Array.from({ length: n }, (_, i) => (i - n / 2) * spacing + 0.01);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  const f = Float32Array.from(values);
  return [tensor(f, shape, { requiresGrad: options.requiresGrad ?? false }), ref(shape, f)];
}

/** An int32 tensor and its reference. */
export function ints(values: readonly number[], shape: readonly number[] = [values.length]): [Tensor, Ref] {
  return [tensor(new Int32Array(values), shape, { dtype: 'int32' }), ref(shape, values)];
}

/** Seeded integers in [0, n). */
export function seededInts(count: number, n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => rng.int(n));
}

// ---------------------------------------------------------------------------------------------
// Assertions

/** Throws unless `actual` and `expected` agree elementwise within `tol`; names the worst entry. */
export function expectArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label = 'values'): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -Infinity;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e) continue; // also equal infinities
    const excess = Number.isNaN(a) || Number.isNaN(e) ? Infinity : Math.abs(a - e) - tol.atol - tol.rtol * Math.abs(e);
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  if (worst > 0) {
    expect.fail(`${label}: entry ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${Math.abs(actual[at] - expected[at])} > atol ${tol.atol} + rtol ${tol.rtol}·|expected|)`);
  }
}

/** Reads `actual` and checks its shape and values against the reference `expected`. */
export async function expectClose(actual: Tensor, expected: Ref, tol: Tolerance, label = 'values'): Promise<void> {
  expect([...actual.shape], `${label}: shape`).toEqual(expected.shape);
  expectArrayClose(await actual.data(), expected.data, tol, label);
}

/** Reads `actual` (an int32 tensor) and checks shape, dtype and exact values. */
export async function expectInts(actual: Tensor, expected: Ref | readonly number[], label = 'indices'): Promise<void> {
  const want = Array.isArray(expected) ? { shape: [expected.length], data: expected as number[] } : (expected as Ref);
  expect(actual.dtype, `${label}: dtype`).toBe('int32');
  expect([...actual.shape], `${label}: shape`).toEqual(want.shape);
  expect(Array.from(await actual.data()), label).toEqual(want.data);
}

/** Runs `gradcheck` with the stated options and fails naming the worst entry. */
export async function expectGradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): Promise<void> {
  const result = await gradcheck(f, inputs, { ...GRADCHECK_OPTIONS, ...options });
  if (!result.ok) {
    const w = result.worst;
    expect.fail(`gradcheck: input ${w?.input} entry ${w?.index}: autograd ${w?.analytic}, finite differences ${w?.numeric} (excess ${result.worstExcess})`);
  }
}

/** The stored shape of a matmul operand [.., rows, cols] that is used transposed when `t`. */
export function storedShape(lead: number[], rows: number, cols: number, t: boolean): number[] {
  return t ? [...lead, cols, rows] : [...lead, rows, cols];
}

/** Every (transposeA, transposeB) combination. */
export const transposeFlags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
