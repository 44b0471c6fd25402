/** sqrt: √x. Gradient g/(2y). */
import { unaryOp } from './unary.js';

export const sqrt = unaryOp('sqrt', 'Math.sqrt(x)', 'g / (2 * y)');
