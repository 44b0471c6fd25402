/** softplus: log(1 + eˣ), computed stably as max(x, 0) + log(1 + e^−|x|). Gradient g·sigmoid(x). */
import { unaryOp } from './unary.js';

export const softplus = unaryOp('softplus', 'Math.max(x, 0) + Math.log(1 + Math.exp(-Math.abs(x)))', 'x >= 0 ? g / (1 + Math.exp(-x)) : g * Math.exp(x) / (1 + Math.exp(x))');
