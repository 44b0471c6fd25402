/**
 * matmul: batched matrix product with either operand transposed.
 *   a: [..., M, K] (or [..., K, M] with transposeA), b: [..., K, N] (or [..., N, K] with transposeB)
 *   out: [..., M, N]. Leading (batch) dimensions must match, or one operand is 2-D and is
 *   shared by every batch.
 * Gradient: dA = g·op(B)ᵀ, dB = op(A)ᵀ·g (transposes folded into the kernels' strides), summed
 * over the batch for a shared operand.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape, sizeOf } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { sum } from './sum.js';

function matmulKernel(this: KernelThis, a: Float32Array, b: Float32Array): number {
  const i = this.thread.x;
  const mn = this.constants.m * this.constants.n;
  const batch = Math.floor((i + 0.5) / mn);
  const r = i - batch * mn;
  const row = Math.floor((r + 0.5) / this.constants.n);
  const col = r - row * this.constants.n;
  const aBase = batch * this.constants.aBatch + row * this.constants.aRow;
  const bBase = batch * this.constants.bBatch + col * this.constants.bCol;
  let s = 0;
  for (let k = 0; k < this.constants.k; k++) {
    s += a[aBase + k * this.constants.aK] * b[bBase + k * this.constants.bK];
  }
  return s;
}

/** Options of `matmul`. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Batched matrix product of `a` and `b`. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  if (a.rank < 2 || b.rank < 2) throw new Error(`matmul: operands need rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`matmul: expected float32 tensors, got ${a} and ${b}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a.shape)}${ta ? 'ᵀ' : ''} × ${formatShape(b.shape)}${tb ? 'ᵀ' : ''} (${k} vs ${kb})`);
  }
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const aShared = aLead.length === 0 && bLead.length > 0;
  const bShared = bLead.length === 0 && aLead.length > 0;
  if (!aShared && !bShared && formatShape(aLead) !== formatShape(bLead)) {
    throw new Error(`matmul: batch dimensions differ: ${formatShape(a.shape)} × ${formatShape(b.shape)}; they must match or one operand must be 2-D`);
  }
  const lead = aLead.length ? aLead : bLead;
  const batches = sizeOf(lead);
  const constants = {
    m,
    n,
    k,
    aBatch: aShared ? 0 : m * k,
    bBatch: bShared ? 0 : k * n,
    aRow: ta ? 1 : k,
    aK: ta ? m : 1,
    bCol: tb ? k : 1,
    bK: tb ? 1 : n,
  };
  const out = new Tensor(launch({ op: 'matmul', source: matmulKernel, output: batches * m * n, constants, inputs: [a, b] }), [...lead, m, n]);
  return record(out, 'matmul', [a, b], (g) => {
    const leadAxes = lead.map((_, i) => i);
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      ga = ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb });
      if (aShared) ga = sum(ga, leadAxes);
    }
    if (b.requiresGrad) {
      gb = tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta });
      if (bShared) gb = sum(gb, leadAxes);
    }
    return [ga, gb];
  });
}
