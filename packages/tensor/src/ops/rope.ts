/**
 * rope: rotary position embeddings (Su et al. 2021, "RoFormer: Enhanced Transformer with Rotary
 * Position Embedding") in the half-split layout of LLaMA, Mixtral, Qwen2-MoE and OLMoE
 * (Transformers' `rotate_half`): each pair (j, j + d/2), j < d/2, of a row at position t is
 * rotated by the angle t·θ_j,
 *   θ_j = base^(−2j/d)
 *   y_j       = x_j cos(tθ_j) − x_{j+d/2} sin(tθ_j)
 *   y_{j+d/2} = x_{j+d/2} cos(tθ_j) + x_j sin(tθ_j)
 * x: [..., T, d] (d even), t = offset + the row's index along T. A rotation, so the gradient is
 * the inverse rotation of g (angle −tθ_j): the same kernel with the sine's sign flipped.
 * θ_j and t·θ_j are rounded to float32 as Transformers computes them, so the tables match its.
 * Defaults: base 10000, offset 0.
 */
import type { KernelThis } from '../backend.js';
import { launch } from '../kernel.js';
import { record, Tensor } from '../tensor.js';

/** Options of `rope`. */
export interface RopeOptions {
  /** θ's base (Transformers' `rope_theta`). Default 10000. */
  base?: number;
  /** Position of the first row (tokens already seen). Default 0. */
  offset?: number;
}

function ropeKernel(this: KernelThis, x: Float32Array, cos: Float32Array, sin: Float32Array): number {
  const i = this.thread.x;
  const d = this.constants.d;
  const h = this.constants.half;
  const row = Math.floor((i + 0.5) / d);
  const j = i - row * d;
  const t = row - Math.floor((row + 0.5) / this.constants.t) * this.constants.t;
  if (j < h) {
    return x[i] * cos[t * h + j] - this.constants.sign * x[i + h] * sin[t * h + j];
  }
  return x[i] * cos[t * h + j - h] + this.constants.sign * x[i - h] * sin[t * h + j - h];
}

const tables = new Map<string, { cos: Float32Array; sin: Float32Array }>();

/** cos(tθ_j), sin(tθ_j) as [T, d/2], t = offset … offset + T − 1. */
function rotationTables(tokens: number, half: number, base: number, offset: number): { cos: Float32Array; sin: Float32Array } {
  const key = `${tokens},${half},${base},${offset}`;
  let table = tables.get(key);
  if (!table) {
    const cos = new Float32Array(tokens * half);
    const sin = new Float32Array(tokens * half);
    for (let j = 0; j < half; j++) {
      const theta = Math.fround(1 / Math.fround(base ** ((2 * j) / (2 * half))));
      for (let t = 0; t < tokens; t++) {
        const angle = Math.fround((offset + t) * theta);
        cos[t * half + j] = Math.cos(angle);
        sin[t * half + j] = Math.sin(angle);
      }
    }
    table = { cos, sin };
    if (tables.size > 64) tables.clear();
    tables.set(key, table);
  }
  return table;
}

/** Rotary position embedding of x [..., T, d] (queries or keys, d even), positions offset … offset + T − 1. */
export function rope(x: Tensor, options: RopeOptions = {}): Tensor {
  const base = options.base ?? 10000;
  const offset = options.offset ?? 0;
  if (x.dtype !== 'float32') throw new Error(`rope: expected a float32 tensor, got ${x}`);
  if (x.rank < 2 || x.shape[x.rank - 1] % 2 !== 0) throw new Error(`rope: x must be [..., tokens, headDim] with an even headDim, got ${x}`);
  if (!(base > 1) || !Number.isFinite(base)) throw new Error(`rope: base must be a finite number > 1, got ${base}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`rope: offset must be an integer ≥ 0, got ${offset}`);
  const [t, d] = x.shape.slice(-2);
  const { cos, sin } = rotationTables(t, d / 2, base, offset);
  const rotate = (input: Tensor, sign: number, op: string): Tensor =>
    new Tensor(launch({ op, source: ropeKernel, output: input.size, constants: { t, d, half: d / 2, sign }, inputs: [input, cos, sin] }), input.shape);
  return record(rotate(x, 1, 'rope'), 'rope', [x], (g) => [rotate(g, -1, 'rope-grad')]);
}
