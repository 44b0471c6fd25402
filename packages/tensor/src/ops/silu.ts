/** silu (swish): x·sigmoid(x). Gradient g·s·(1 + x(1 − s)), s = sigmoid(x). */
import { unaryOp } from './unary.js';

export const silu = unaryOp(
  'silu',
  'x >= 0 ? x / (1 + Math.exp(-x)) : x * Math.exp(x) / (1 + Math.exp(x))',
  'g * (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))) * (1 + x * (1 - (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))))',
);
