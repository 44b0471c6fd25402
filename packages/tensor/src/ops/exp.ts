/** exp: eˣ. Gradient g·y. */
import { unaryOp } from './unary.js';

export const exp = unaryOp('exp', 'Math.exp(x)', 'g * y');
