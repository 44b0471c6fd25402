/** log: natural logarithm. Gradient g/x. */
import { unaryOp } from './unary.js';

export const log = unaryOp('log', 'Math.log(x)', 'g / x');
