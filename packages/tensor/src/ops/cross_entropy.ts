/**
 * crossEntropy: softmax cross-entropy of logits [N, C] against integer targets [N], with an
 * ignore index (rows whose target equals it contribute nothing and are not counted).
 *   loss_r = logsumexp(x_r) − x_r[t_r];  reduction: mean over counted rows (default), sum, none.
 * Gradient: (softmax(x_r) − onehot(t_r)) · g_r, 0 for ignored rows.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { formatShape } from '../shape.js';
import { record, Tensor } from '../tensor.js';
import { div } from './div.js';
import { mapElementwise } from './elementwise.js';
import { rowLogSumExp } from './logsumexp.js';
import { sum } from './sum.js';

function rowLossKernel(this: KernelThis, x: Float32Array, lse: Float32Array, t: Float32Array): number {
  const r = this.thread.x;
  const target = t[r];
  if (target === this.constants.ignore) {
    return 0;
  }
  return lse[r] - x[r * this.constants.c + target];
}

function gradKernel(this: KernelThis, x: Float32Array, lse: Float32Array, t: Float32Array, g: Float32Array): number {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / this.constants.c);
  const col = i - r * this.constants.c;
  const target = t[r];
  if (target === this.constants.ignore) {
    return 0;
  }
  const p = Math.exp(x[i] - lse[r]);
  return (col === target ? p - 1 : p) * g[r];
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  /** Targets equal to this are ignored. Default −100 (PyTorch's). */
  ignoreIndex?: number;
  /** 'mean' over counted rows (default), 'sum', or 'none' (per-row losses [N]). */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Cross-entropy of `logits` [N, C] against int32 `targets` [N]. */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const ignore = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits must be [rows, classes], got ${formatShape(logits.shape)}; reshape first`);
  if (targets.dtype !== 'int32') throw new Error(`crossEntropy: targets must be int32, got ${targets.dtype}`);
  const [rows, c] = logits.shape;
  if (targets.rank !== 1 || targets.shape[0] !== rows) {
    throw new Error(`crossEntropy: targets ${formatShape(targets.shape)} do not match logits ${formatShape(logits.shape)}; expected [${rows}]`);
  }
  const lse = new Tensor(rowLogSumExp(logits).values, [rows]);
  const checkTargets = (t: Float32Array): void => {
    for (let r = 0; r < t.length; r++) {
      if (t[r] !== ignore && (t[r] < 0 || t[r] >= c)) {
        throw new Error(`crossEntropy: target ${t[r]} at row ${r} is outside [0, ${c}) and is not the ignore index ${ignore}`);
      }
    }
  };
  const perRow = new Tensor(launch({ op: 'crossEntropy', source: rowLossKernel, output: rows, constants: { c, ignore }, inputs: [logits, lse, targets], check: { input: 2, validate: checkTargets } }), [rows]);
  // Rows counted by the mean: targets other than the ignore index (at least 1, so an all-ignored batch gives 0, not NaN).
  const denominator =
    reduction === 'mean' ? mapElementwise('crossEntropy-count', 'Math.max(x, 1)', [sum(mapElementwise('crossEntropy-mask', `t === ${ignore} ? 0 : 1`, [targets], [rows], ['t']))]) : undefined;
  const loss = reduction === 'none' ? perRow : denominator ? div(sum(perRow), denominator) : sum(perRow);
  const out = new Tensor(loss.values, loss.shape);
  return record(out, 'crossEntropy', [logits], (g) => {
    const rowGrad = reduction === 'none' ? g : mapElementwise('crossEntropy-rowgrad', denominator ? 'g / d' : 'g', denominator ? [g, denominator] : [g], [rows], ['g', 'd']);
    return [new Tensor(launch({ op: 'crossEntropy-grad', source: gradKernel, output: rows * c, constants: { c, ignore }, inputs: [logits, lse, targets, rowGrad] }), logits.shape)];
  });
}
