/** add: a + b, broadcast. Gradient: g to both. */
import { binaryOp } from './binary.js';

export const add = binaryOp('add', 'x + y', (g) => [g, g]);
