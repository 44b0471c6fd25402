/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019): Adam whose
 * weight decay shrinks the weights directly instead of entering the gradient, so it is not
 * rescaled by the adaptive denominator.
 *
 *   m ← m + (1 − β1)(g − m)            v ← v + (1 − β2)(g² − v)
 *   θ ← θ·(1 − lr·λ) − α · m / (√v + ε̂)   α = lr·√(1 − β2^t)/(1 − β1^t), ε̂ = ε·√(1 − β2^t)
 *   (no decay factor for names the `exclude` filter returns true for)
 *
 * One kernel call updates every parameter (and its moments) that shares a step count — in
 * practice the whole model — over the parameters, gradients and moments laid end to end
 * (@smoe/tensor's concatFlat / splitFlat), instead of five kernel calls per parameter; the
 * arithmetic is that of the per-parameter rule in adam.ts, value for value.
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01 (as torch.optim.AdamW),
 * exclude: norms, biases and codebooks (`excludeNormsBiasesAndCodebooks`). Browser-safe.
 */
import { concatFlat, formatShape, launch, noGrad, splitFlat, Tensor, zeros, type KernelThis } from '@smoe/tensor';
import { Adam, type AdamOptions } from './adam.js';
import { TrainerError } from './validate.js';

/** Options of AdamW: those of Adam, with decoupled `weightDecay` (default 0.01). */
export type AdamWOptions = AdamOptions;

// Thread i of 3n writes the new θ (i < n), m (n ≤ i < 2n) or v (2n ≤ i) of flat element j.
// h = [1 − β1, 1 − β2, 1 − lr·λ, α, ε̂]; elements below `decayed` are decayed, the rest not.
function adamwKernel(this: KernelThis, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: Float32Array): number {
  const which = Math.floor((this.thread.x + 0.5) / this.constants.n);
  const j = this.thread.x - which * this.constants.n;
  const gj = g[j];
  const mj = m[j] + h[0] * (gj - m[j]);
  if (which === 1) {
    return mj;
  }
  const vj = v[j] + h[1] * (gj * gj - v[j]);
  if (which === 2) {
    return vj;
  }
  const decayed = j < this.constants.decayed ? p[j] * h[2] : p[j];
  return decayed - h[3] * (mj / (Math.sqrt(vj) + h[4]));
}

export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  protected override readonly decoupled: boolean = true;

  constructor(options: AdamWOptions = {}) {
    super(options, { weightDecay: 0.01, where: 'AdamW' });
  }

  /**
   * Applies one update to every parameter that has a gradient, at learning rate `lr` (default
   * `this.lr`): one kernel call per group of parameters with the same step count.
   */
  override step(params: Iterable<readonly [string, Tensor]>, lr: number = this.lr): void {
    const { meta, tensors } = this.state();
    const groups = new Map<number, Array<readonly [string, Tensor]>>();
    for (const entry of params) {
      const [name, param] = entry;
      if (!param.grad) continue;
      if (formatShape(param.grad.shape) !== formatShape(param.shape)) {
        throw new TrainerError(`${this.name}.step: gradient of '${name}' has shape ${formatShape(param.grad.shape)}, the parameter ${formatShape(param.shape)}`);
      }
      const step = (meta.steps[name] ?? 0) + 1;
      groups.set(step, [...(groups.get(step) ?? []), entry]);
    }
    noGrad(() => {
      for (const [step, group] of groups) {
        // decayed parameters first, so that one boundary tells the kernel which elements decay
        const ordered = [...group.filter(([n, p]) => this.decays(n, p)), ...group.filter(([n, p]) => !this.decays(n, p))];
        const decayed = ordered.filter(([n, p]) => this.decays(n, p)).reduce((s, [, p]) => s + p.size, 0);
        const slot = (kind: string, [name, param]: readonly [string, Tensor]): Tensor => tensors[`${kind}.${name}`] ?? zeros(param.shape);
        const n = ordered.reduce((s, [, p]) => s + p.size, 0);
        const [beta1, beta2] = this.betas;
        const root2 = Math.sqrt(1 - beta2 ** step);
        const h = Float32Array.of(1 - beta1, 1 - beta2, 1 - lr * this.weightDecay, (lr * root2) / (1 - beta1 ** step), this.eps * root2);
        const inputs = [ordered.map(([, p]) => p), ordered.map(([, p]) => p.grad as Tensor), ordered.map((e) => slot('m', e)), ordered.map((e) => slot('v', e))].map(concatFlat);
        const updated = new Tensor(launch({ op: 'adamw', source: adamwKernel, output: 3 * n, constants: { n, decayed }, inputs: [...inputs, h] }), [3 * n]);
        const shapes = ordered.map(([, p]) => p.shape);
        const views = splitFlat(updated, [...shapes, ...shapes, ...shapes]);
        ordered.forEach(([name, param], i) => {
          param.assign(views[i]);
          tensors[`m.${name}`] = views[ordered.length + i];
          tensors[`v.${name}`] = views[2 * ordered.length + i];
          meta.steps[name] = step;
        });
      }
    });
    this.restore({ meta, tensors });
  }
}
