/**
 * gelu, tanh approximation (Hendrycks & Gimpel 2016; the form GPT-2 and most MoE codebases use):
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))). Gradient from the same closed form.
 */
import { unaryOp } from './unary.js';

const u = '0.7978845608028654 * (x + 0.044715 * x * x * x)';
export const gelu = unaryOp(
  'gelu',
  `0.5 * x * (1 + Math.tanh(${u}))`,
  `g * (0.5 * (1 + Math.tanh(${u})) + 0.5 * x * (1 - Math.tanh(${u}) * Math.tanh(${u})) * 0.7978845608028654 * (1 + 0.134145 * x * x))`,
);
