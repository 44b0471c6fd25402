/**
 * gelu, tanh approximation (Hendrycks & Gimpel 2016; the form GPT-2 and most MoE codebases use):
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))). Gradient from the same closed form.
 *
 * tanh is computed in plain float32 arithmetic, as a rational function (the [13/6] minimax fit
 * Eigen, and so PyTorch's CPU kernels, use for float tanh; |error| < 3e-7), set to ±1 beyond
 * |u| > 7.9 where float32 tanh is ±1 to within that error. Math.tanh has no WebAssembly opcode:
 * webasm would call out to JavaScript for it once per element (three times in the gradient),
 * which made gelu the costliest kernel of an expert FFN; the rational form vectorises. The
 * gradient computes tanh once (a kernel-local `t`).
 */
import { record, type Tensor } from '../tensor.js';
import { mapElementwise } from './elementwise.js';

const u = '0.7978845608028654 * (x + 0.044715 * x * x * x)';

/** Kernel source: `const t = tanh(u);` for the local `u`, in float32 arithmetic only. */
const tanhOfU =
  `const u = ${u};` +
  ' const u2 = u * u;' +
  ' const p = u * ((((((-2.76076847742355e-16 * u2 + 2.00018790482477e-13) * u2 - 8.60467152213735e-11) * u2 + 5.12229709037114e-8) * u2 + 1.48572235717979e-5) * u2 + 6.37261928875436e-4) * u2 + 4.89352455891786e-3);' +
  ' const q = ((1.19825839466702e-6 * u2 + 1.18534705686654e-4) * u2 + 2.2684346324390e-3) * u2 + 4.89352518554385e-3;' +
  ' const t = u > 7.9 ? 1 : (u < -7.9 ? -1 : p / q);';

export function gelu(x: Tensor): Tensor {
  if (x.dtype !== 'float32') throw new Error(`gelu: expected a float32 tensor, got ${x.dtype} ${x}`);
  const y = mapElementwise('gelu', '0.5 * x * (1 + t)', [x], undefined, ['x'], tanhOfU);
  return record(y, 'gelu', [x], (g) => [
    mapElementwise("gelu'", 'g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * 0.7978845608028654 * (1 + 0.134145 * x * x))', [x, g], x.shape, ['x', 'g'], tanhOfU),
  ]);
}
