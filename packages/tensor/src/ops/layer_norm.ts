/**
 * layerNorm over the last axis (Ba et al. 2016, "Layer Normalization"), with the biased
 * variance, ε = 1e-5 by default:
 *   μ = mean(x),  r = 1/√(mean((x − μ)²) + ε),  x̂ = (x − μ)·r,  y = x̂ ⊙ w + b
 * Gradient, with ĝ = g ⊙ w and means over the row:
 *   dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)),   dw = Σ_rows g ⊙ x̂,   db = Σ_rows g
 * Fused: two kernels forward (row statistics; normalise and scale) and four backward (row
 * sums; dx; dw; db) instead of one kernel per primitive op (about eight forward and fifteen
 * backward), since each kernel call costs a dispatch and two copies whatever its arithmetic.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { ones, zeros } from '../creation.js';

// Per row, two values: μ at 2·row and r at 2·row + 1. The variance is the mean of squared
// deviations from μ (two passes), which stays exact for rows with a large mean.
function rowStatsKernel(this: KernelThis, x: Float32Array): number {
  const row = Math.floor((this.thread.x + 0.5) / 2);
  const base = row * this.constants.n;
  let sum = 0;
  for (let k = 0; k < this.constants.n; k++) {
    sum += x[base + k];
  }
  const mu = sum / this.constants.n;
  if (this.thread.x - row * 2 === 0) {
    return mu;
  }
  let squares = 0;
  for (let k = 0; k < this.constants.n; k++) {
    const d = x[base + k] - mu;
    squares += d * d;
  }
  return 1 / Math.sqrt(squares / this.constants.n + this.constants.eps);
}

function normalizeKernel(this: KernelThis, x: Float32Array, stats: Float32Array, w: Float32Array, b: Float32Array): number {
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / this.constants.n);
  const col = i - row * this.constants.n;
  return (x[i] - stats[row * 2]) * stats[row * 2 + 1] * w[col] + b[col];
}

// Per row, two values: mean(ĝ) at 2·row and mean(ĝ ⊙ x̂) at 2·row + 1.
function rowGradientKernel(this: KernelThis, x: Float32Array, stats: Float32Array, w: Float32Array, g: Float32Array): number {
  const row = Math.floor((this.thread.x + 0.5) / 2);
  const base = row * this.constants.n;
  const mu = stats[row * 2];
  const r = stats[row * 2 + 1];
  const second = this.thread.x - row * 2;
  let sum = 0;
  for (let k = 0; k < this.constants.n; k++) {
    const gw = g[base + k] * w[k];
    sum += second === 0 ? gw : gw * (x[base + k] - mu) * r;
  }
  return sum / this.constants.n;
}

function inputGradientKernel(this: KernelThis, x: Float32Array, stats: Float32Array, w: Float32Array, g: Float32Array, sums: Float32Array): number {
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / this.constants.n);
  const col = i - row * this.constants.n;
  const r = stats[row * 2 + 1];
  const normalized = (x[i] - stats[row * 2]) * r;
  return r * (g[i] * w[col] - sums[row * 2] - normalized * sums[row * 2 + 1]);
}

function weightGradientKernel(this: KernelThis, x: Float32Array, stats: Float32Array, g: Float32Array): number {
  const col = this.thread.x;
  let sum = 0;
  for (let row = 0; row < this.constants.rows; row++) {
    const i = row * this.constants.n + col;
    sum += g[i] * (x[i] - stats[row * 2]) * stats[row * 2 + 1];
  }
  return sum;
}

function biasGradientKernel(this: KernelThis, g: Float32Array): number {
  const col = this.thread.x;
  let sum = 0;
  for (let row = 0; row < this.constants.rows; row++) {
    sum += g[row * this.constants.n + col];
  }
  return sum;
}

/** Layer normalisation of `x` over its last axis, with optional affine `weight` and `bias` of the last axis's size. */
export function layerNorm(x: Tensor, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  if (x.rank === 0 || x.dtype !== 'float32') throw new Error(`layerNorm: expected a float32 tensor of rank ≥ 1, got ${x}`);
  const n = x.shape[x.rank - 1];
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.rank !== 1 || p.shape[0] !== n)) throw new Error(`layerNorm: ${name} has shape ${formatShape(p.shape)}; expected [${n}], the last axis of x ${formatShape(x.shape)}`);
  }
  const rows = x.size / n;
  const w = weight ?? ones([n]);
  const b = bias ?? zeros([n]);
  const stats = new Tensor(launch({ op: 'layerNorm-stats', source: rowStatsKernel, output: 2 * rows, constants: { n, eps }, inputs: [x] }), [rows, 2]);
  const y = new Tensor(launch({ op: 'layerNorm', source: normalizeKernel, output: x.size, constants: { n }, inputs: [x, stats, w, b] }), x.shape);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(y, 'layerNorm', inputs, (g) => {
    const sums = x.requiresGrad ? new Tensor(launch({ op: 'layerNorm-rowGrad', source: rowGradientKernel, output: 2 * rows, constants: { n }, inputs: [x, stats, w, g] }), [rows, 2]) : null;
    const dx = x.requiresGrad ? new Tensor(launch({ op: 'layerNorm-dx', source: inputGradientKernel, output: x.size, constants: { n }, inputs: [x, stats, w, g, sums as Tensor] }), x.shape) : null;
    const dw = weight && weight.requiresGrad ? new Tensor(launch({ op: 'layerNorm-dw', source: weightGradientKernel, output: n, constants: { n, rows }, inputs: [x, stats, g] }), [n]) : null;
    const db = bias && bias.requiresGrad ? new Tensor(launch({ op: 'layerNorm-db', source: biasGradientKernel, output: n, constants: { n, rows }, inputs: [g] }), [n]) : null;
    return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
  });
}
