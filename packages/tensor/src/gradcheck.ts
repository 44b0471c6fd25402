/**
 * gradcheck: compares autograd gradients with central finite differences, for users who write
 * their own ops. The function's output is reduced to a scalar with fixed random weights, so
 * every output element is checked. Run in float32: use inputs of moderate size and the
 * default step and tolerances.
 */
import { Rng } from './rng.js';
import { Tensor, noGrad } from './tensor.js';
import { mul, sum } from './ops/index.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-2 (float32 arithmetic). */
  eps?: number;
  /** Absolute tolerance. Default 2e-3. */
  atol?: number;
  /** Relative tolerance. Default 2e-2. */
  rtol?: number;
  /** Seed of the output weights. */
  seed?: number;
}

/** What `gradcheck` found. */
export interface GradcheckResult {
  ok: boolean;
  /** The largest |analytic − numeric| − rtol·|numeric| over all checked entries. */
  worstExcess: number;
  /** Where it was: input number, flat index, and both values. */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Checks d f / d inputs for every input that requires grad. `f` maps the inputs to a tensor
 * (any shape). Resolves with the comparison; `ok` is false when any entry is outside tolerance.
 */
export async function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): Promise<GradcheckResult> {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const probe = noGrad(() => f(...inputs));
  const weights = new Tensor(new Rng(options.seed ?? 7).uniformArray(probe.size, 0.5, 1.5), probe.shape);
  const objective = (...xs: Tensor[]): Tensor => sum(mul(f(...xs), weights));
  for (const x of inputs) x.grad = null;
  objective(...inputs).backward();
  let worstExcess = -Infinity;
  let worst: GradcheckResult['worst'] = null;
  for (let n = 0; n < inputs.length; n++) {
    const x = inputs[n];
    if (!x.requiresGrad) continue;
    const analytic = x.grad ? await x.grad.data() : new Float32Array(x.size);
    const base = (await x.data()) as Float32Array;
    for (let i = 0; i < x.size; i++) {
      const at = (delta: number): Promise<number> => {
        const moved = Float32Array.from(base);
        moved[i] += delta;
        const xs = inputs.map((t, m) => (m === n ? new Tensor(moved, x.shape, x.dtype) : t.detach()));
        return noGrad(() => objective(...xs)).item();
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      const excess = Math.abs(analytic[i] - numeric) - rtol * Math.abs(numeric) - atol;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { input: n, index: i, analytic: analytic[i], numeric };
      }
    }
  }
  return { ok: worstExcess <= 0, worstExcess, worst };
}
