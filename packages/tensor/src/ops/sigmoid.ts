/** sigmoid: 1/(1 + e^−x), computed without overflow. Gradient g·y(1 − y). */
import { unaryOp } from './unary.js';

export const sigmoid = unaryOp('sigmoid', 'x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))', 'g * y * (1 - y)');
