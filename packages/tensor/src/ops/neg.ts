/** neg: −x. */
import { unaryOp } from './unary.js';

export const neg = unaryOp('neg', '-x', '-g');
