/** div: a / b, broadcast. Gradient: g/b, −g·a/b². */
import { mapElementwise } from './elementwise.js';
import { binaryOp } from './binary.js';

export const div = binaryOp('div', 'x / y', (g, a, b) => [
  a.requiresGrad ? mapElementwise('div', 'x / y', [g, b]) : null,
  b.requiresGrad ? mapElementwise('div-grad', '-g * x / (y * y)', [a, b, g], undefined, ['x', 'y', 'g']) : null,
]);
