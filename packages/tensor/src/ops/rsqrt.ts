/** rsqrt: 1/√x. Gradient −g·y³/2. */
import { unaryOp } from './unary.js';

export const rsqrt = unaryOp('rsqrt', '1 / Math.sqrt(x)', '-0.5 * g * y * y * y');
