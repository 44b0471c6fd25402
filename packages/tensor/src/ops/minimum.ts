/** minimum: elementwise min(a, b), broadcast. Gradient to the smaller (to a on ties). */
import { mapElementwise } from './elementwise.js';
import { binaryOp } from './binary.js';

export const minimum = binaryOp('minimum', 'Math.min(x, y)', (g, a, b) => [
  a.requiresGrad ? mapElementwise('minimum-ga', 'x <= y ? g : 0', [a, b, g], undefined, ['x', 'y', 'g']) : null,
  b.requiresGrad ? mapElementwise('minimum-gb', 'x <= y ? 0 : g', [a, b, g], undefined, ['x', 'y', 'g']) : null,
]);
