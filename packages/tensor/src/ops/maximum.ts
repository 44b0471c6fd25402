/** maximum: elementwise max(a, b), broadcast. Gradient to the larger (to a on ties). */
import { mapElementwise } from './elementwise.js';
import { binaryOp } from './binary.js';

export const maximum = binaryOp('maximum', 'Math.max(x, y)', (g, a, b) => [
  a.requiresGrad ? mapElementwise('maximum-ga', 'x >= y ? g : 0', [a, b, g], undefined, ['x', 'y', 'g']) : null,
  b.requiresGrad ? mapElementwise('maximum-gb', 'x >= y ? 0 : g', [a, b, g], undefined, ['x', 'y', 'g']) : null,
]);
