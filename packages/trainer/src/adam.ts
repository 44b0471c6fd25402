/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015), with optional L2
 * weight decay added to the gradient (as torch.optim.Adam does).
 *
 *   g ← g + λ·θ                         (only when weightDecay λ > 0 and the name is not excluded)
 *   m ← β1·m + (1 − β1)·g               v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 *
 * computed as θ − α·m / (√v + ε̂) with α = lr·√(1 − β2^t)/(1 − β1^t), ε̂ = ε·√(1 − β2^t).
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0. AdamW (adamw.ts) shares
 * this file's moment updates and decays the weights directly instead. Browser-safe.
 */
import { mapElementwise, scalar, type Tensor } from '@smoe/tensor';
import { Optimizer, type OptimizerConfigValues, type UpdateContext } from './optimizer.js';
import { checkKeys, checkNumber, invalid } from './validate.js';
import { excludeNormsBiasesAndCodebooks, type WeightDecayFilter } from './weight-decay.js';

/** Options of Adam and AdamW. */
export interface AdamOptions {
  /** Base learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ ≥ 0. Default 0 for Adam (L2 in the gradient), 0.01 for AdamW (decoupled). */
  weightDecay?: number;
  /** Parameters excluded from weight decay. Default: norms, biases and codebooks (see weight-decay.ts). */
  exclude?: WeightDecayFilter;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'exclude'] as const;

/** Adam with L2 weight decay in the gradient. */
export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly exclude: WeightDecayFilter;
  /** True for AdamW: decay the weights, not the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(options: AdamOptions = {}, defaults: { weightDecay: number; where: string } = { weightDecay: 0, where: 'Adam' }) {
    super(options.lr ?? 1e-3, defaults.where);
    const where = defaults.where;
    checkKeys(where, options, KEYS);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) invalid(where, 'betas', betas, 'two numbers in [0, 1)');
    checkNumber(where, 'betas[0]', betas[0], 0, 1, { max: true });
    checkNumber(where, 'betas[1]', betas[1], 0, 1, { max: true });
    this.betas = [betas[0], betas[1]];
    this.eps = checkNumber(where, 'eps', options.eps ?? 1e-8, 0, Infinity);
    this.weightDecay = checkNumber(where, 'weightDecay', options.weightDecay ?? defaults.weightDecay, 0, Infinity);
    if (options.exclude !== undefined && typeof options.exclude !== 'function') invalid(where, 'exclude', options.exclude, 'a function (name, param) => boolean');
    this.exclude = options.exclude ?? excludeNormsBiasesAndCodebooks;
  }

  config(): OptimizerConfigValues {
    return { lr: this.lr, beta1: this.betas[0], beta2: this.betas[1], eps: this.eps, weightDecay: this.weightDecay };
  }

  /** True when `name` is decayed by this optimizer. */
  decays(name: string, param: Tensor): boolean {
    return this.weightDecay > 0 && !this.exclude(name, param);
  }

  protected update({ name, param, grad, lr, step, slot, setSlot }: UpdateContext): Tensor {
    const [beta1, beta2] = this.betas;
    const decay = this.decays(name, param);
    let g = grad;
    if (decay && !this.decoupled) g = mapElementwise('adam-l2', 'g + d * p', [grad, param, scalar(this.weightDecay)], param.shape, ['g', 'p', 'd']);
    // Lerp form, as torch does: m + (1 − β)(g − m) keeps 1 − β exact in double precision.
    const m = mapElementwise('adam-m', 'm + c * (g - m)', [slot('m'), g, scalar(1 - beta1)], param.shape, ['m', 'g', 'c']);
    const v = mapElementwise('adam-v', 'v + c * (g * g - v)', [slot('v'), g, scalar(1 - beta2)], param.shape, ['v', 'g', 'c']);
    setSlot('m', m);
    setSlot('v', v);
    const correction1 = 1 - beta1 ** step;
    const root2 = Math.sqrt(1 - beta2 ** step);
    const direction = mapElementwise('adam-direction', 'm / (Math.sqrt(v) + e)', [m, v, scalar(this.eps * root2)], param.shape, ['m', 'v', 'e']);
    const base = decay && this.decoupled ? param.mul(1 - lr * this.weightDecay) : param;
    return mapElementwise('optimizer-step', 'p - a * u', [base, direction, scalar((lr * root2) / correction1)], param.shape, ['p', 'u', 'a']);
  }
}
