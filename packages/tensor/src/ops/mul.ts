/** mul: a · b, broadcast. Gradient: g·b, g·a. */
import { mapElementwise } from './elementwise.js';
import { binaryOp } from './binary.js';

export const mul = binaryOp('mul', 'x * y', (g, a, b) => [
  a.requiresGrad ? mapElementwise('mul', 'x * y', [g, b]) : null,
  b.requiresGrad ? mapElementwise('mul', 'x * y', [g, a]) : null,
]);
