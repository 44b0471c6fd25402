/** sub: a − b, broadcast. Gradient: g, −g. */
import { binaryOp } from './binary.js';
import { neg } from './neg.js';

export const sub = binaryOp('sub', 'x - y', (g) => [g, neg(g)]);
