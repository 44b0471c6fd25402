/**
 * Finite-difference gradient check for asynchronous losses (a MoE forward awaits its routing,
 * so @smoe/tensor's synchronous `gradcheck` does not fit). Each checked parameter entry is moved
 * by ±eps in place (`assign`), the loss recomputed without gradients, and the central difference
 * compared with the autograd gradient: |analytic − numeric| ≤ atol + rtol·|numeric|.
 */
import { Rng, noGrad, type Tensor } from '@smoe/tensor';

export interface FiniteDifferenceOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Entries checked per parameter (a seeded sample; all when the parameter is smaller). */
  entries?: number;
  seed?: number;
}

export interface Mismatch {
  name: string;
  index: number;
  analytic: number;
  numeric: number;
}

/** Returns the entries whose analytic and numeric gradients disagree (empty: the check passed). */
export async function checkGradients(loss: () => Promise<Tensor>, params: Record<string, Tensor>, options: FiniteDifferenceOptions = {}): Promise<Mismatch[]> {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const rng = new Rng(options.seed ?? 3);
  for (const p of Object.values(params)) p.grad = null;
  (await loss()).backward();
  const bad: Mismatch[] = [];
  for (const [name, p] of Object.entries(params)) {
    if (!p.grad) throw new Error(`checkGradients: no gradient reached '${name}'`);
    const analytic = await p.grad.data();
    const base = Float32Array.from(await p.data());
    const count = Math.min(options.entries ?? 8, p.size);
    const indices = count === p.size ? Array.from({ length: p.size }, (_, i) => i) : Array.from({ length: count }, () => rng.int(p.size));
    for (const i of indices) {
      const at = async (delta: number): Promise<number> => {
        const moved = Float32Array.from(base);
        moved[i] += delta;
        p.assign(moved);
        return (await noGrad(loss)).item();
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      p.assign(base);
      if (!(Math.abs(analytic[i] - numeric) <= atol + rtol * Math.abs(numeric))) bad.push({ name, index: i, analytic: analytic[i], numeric });
    }
  }
  return bad;
}
