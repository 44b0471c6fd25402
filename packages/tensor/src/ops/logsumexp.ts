/**
 * logsumexp over the last axis, stable: m + log Σ exp(x − m), m = max. Gradient: g·softmax(x).
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { record, Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';

function lseKernel(this: KernelThis, x: Float32Array): number {
  const base = this.thread.x * this.constants.n;
  let m = x[base];
  for (let k = 1; k < this.constants.n; k++) {
    m = Math.max(m, x[base + k]);
  }
  let s = 0;
  for (let k = 0; k < this.constants.n; k++) {
    s += Math.exp(x[base + k] - m);
  }
  return m + Math.log(s);
}

// log Σ exp(x − m) for a given row maximum m: with m kept apart, softmax = exp(x − m − this)
// stays exact even where m is huge (a fully masked row), which m + log Σ rounded would not.
function shiftedLseKernel(this: KernelThis, x: Float32Array, m: Float32Array): number {
  const base = this.thread.x * this.constants.n;
  const mx = m[this.thread.x];
  let s = 0;
  for (let k = 0; k < this.constants.n; k++) {
    s += Math.exp(x[base + k] - mx);
  }
  return Math.log(s);
}

function rowMaxKernel(this: KernelThis, x: Float32Array): number {
  const base = this.thread.x * this.constants.n;
  let m = x[base];
  for (let k = 1; k < this.constants.n; k++) {
    m = Math.max(m, x[base + k]);
  }
  return m;
}

/**
 * Row statistics over the last axis, kept as size 1: the maximum m and log Σ exp(x − m).
 * softmax = exp((x − m) − l) and logSoftmax = (x − m) − l are exact in float32 whatever m is.
 */
export function rowSoftmaxStats(x: Tensor): { max: Tensor; logSum: Tensor } {
  if (x.rank === 0) throw new Error('softmax: needs rank ≥ 1');
  const n = x.shape[x.rank - 1];
  if (n === 0) throw new Error(`softmax: last axis of ${x} is empty`);
  const shape = [...x.shape.slice(0, -1), 1];
  const max = new Tensor(launch({ op: 'rowMax', source: rowMaxKernel, output: x.size / n, constants: { n }, inputs: [x] }), shape);
  const logSum = new Tensor(launch({ op: 'shiftedLogSumExp', source: shiftedLseKernel, output: x.size / n, constants: { n }, inputs: [x, max] }), shape);
  return { max, logSum };
}

/** logsumexp over the last axis, kept as size 1. No autograd (building block). */
export function rowLogSumExp(x: Tensor): Tensor {
  if (x.rank === 0) throw new Error('logsumexp: needs rank ≥ 1');
  const n = x.shape[x.rank - 1];
  if (n === 0) throw new Error(`logsumexp: last axis of ${x} is empty`);
  const shape = [...x.shape.slice(0, -1), 1];
  return new Tensor(launch({ op: 'logsumexp', source: lseKernel, output: x.size / n, constants: { n }, inputs: [x] }), shape);
}

/** logsumexp of `x` over the last axis, optionally keeping it as size 1. */
export function logSumExp(x: Tensor, keepDims = false): Tensor {
  const kept = rowLogSumExp(x);
  const out = keepDims ? kept : new Tensor(kept.values, x.shape.slice(0, -1));
  return record(out, 'logsumexp', [x], (g) => {
    const gk = new Tensor(g.values, kept.shape);
    return [mapElementwise('logsumexp-grad', 'g * Math.exp(x - l)', [x, kept, gk], x.shape, ['x', 'l', 'g'])];
  });
}
