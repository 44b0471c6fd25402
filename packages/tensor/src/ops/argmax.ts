/** argmax / argmin along the last axis (first position on ties), as int32. Not differentiable. */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { Tensor } from '../tensor.js';

function argmaxKernel(this: KernelThis, x: Float32Array): number {
  const base = this.thread.x * this.constants.n;
  let best = x[base];
  let at = 0;
  for (let k = 1; k < this.constants.n; k++) {
    const v = x[base + k] * this.constants.sign;
    if (v > best * this.constants.sign) {
      best = x[base + k];
      at = k;
    }
  }
  return at;
}

function arg(op: string, x: Tensor, sign: number): Tensor {
  if (x.rank === 0) throw new Error(`${op}: needs rank ≥ 1`);
  const n = x.shape[x.rank - 1];
  if (n === 0) throw new Error(`${op}: last axis of ${x} is empty`);
  return new Tensor(launch({ op, source: argmaxKernel, output: x.size / n, constants: { n, sign }, inputs: [x] }), x.shape.slice(0, -1), 'int32');
}

/** Index of the largest entry along the last axis. */
export function argmax(x: Tensor): Tensor {
  return arg('argmax', x, 1);
}

/** Index of the smallest entry along the last axis. */
export function argmin(x: Tensor): Tensor {
  return arg('argmin', x, -1);
}
