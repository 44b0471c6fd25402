/** abs: |x|. Gradient g·sign(x) (0 at 0). */
import { unaryOp } from './unary.js';

export const abs = unaryOp('abs', 'Math.abs(x)', 'x > 0 ? g : (x < 0 ? -g : 0)');
