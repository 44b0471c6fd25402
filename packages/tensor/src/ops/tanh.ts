/** tanh. Gradient g·(1 − y²). */
import { unaryOp } from './unary.js';

export const tanh = unaryOp('tanh', 'Math.tanh(x)', 'g * (1 - y * y)');
