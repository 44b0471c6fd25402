/** square: x². Gradient 2gx. */
import { unaryOp } from './unary.js';

export const square = unaryOp('square', 'x * x', '2 * g * x');
