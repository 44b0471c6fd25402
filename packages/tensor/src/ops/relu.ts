/** relu: max(x, 0). Gradient g where x > 0. */
import { unaryOp } from './unary.js';

export const relu = unaryOp('relu', 'Math.max(x, 0)', 'x > 0 ? g : 0');
