/**
 * Stochastic gradient descent with momentum (Polyak 1964) and Nesterov momentum (Sutskever et
 * al., "On the importance of initialization and momentum in deep learning", 2013), with the
 * update torch.optim.SGD uses:
 *
 *   g ← g + λ·θ                         (L2 weight decay, when λ > 0 and the name is not excluded)
 *   b ← g on the first step, else μ·b + g
 *   d ← g + μ·b with nesterov, else b  (d ← g when μ = 0)
 *   θ ← θ − lr·d
 *
 * Defaults: lr 0.01, momentum 0, nesterov false, weightDecay 0. Browser-safe.
 */
import { mapElementwise, scalar, type Tensor } from '@smoe/tensor';
import { Optimizer, type OptimizerConfigValues, type UpdateContext } from './optimizer.js';
import { TrainerError, checkKeys, checkNumber, invalid } from './validate.js';
import { excludeNormsBiasesAndCodebooks, type WeightDecayFilter } from './weight-decay.js';

/** Options of SGD. */
export interface SGDOptions {
  /** Learning rate. Default 0.01. */
  lr?: number;
  /** Momentum μ in [0, 1). Default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** L2 weight decay λ ≥ 0, added to the gradient. Default 0. */
  weightDecay?: number;
  /** Parameters excluded from weight decay. Default: norms, biases and codebooks. */
  exclude?: WeightDecayFilter;
}

const KEYS = ['lr', 'momentum', 'nesterov', 'weightDecay', 'exclude'] as const;

export class SGD extends Optimizer {
  readonly name: string = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly exclude: WeightDecayFilter;

  constructor(options: SGDOptions = {}) {
    super(options.lr ?? 0.01, 'SGD');
    checkKeys('SGD', options, KEYS);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0, 0, 1, { max: true });
    const nesterov = options.nesterov ?? false;
    if (typeof nesterov !== 'boolean') invalid('SGD', 'nesterov', nesterov, 'true | false');
    if (nesterov && this.momentum === 0) {
      throw new TrainerError('SGD: nesterov = true needs momentum > 0, got momentum = 0', { field: 'nesterov', value: true, allowed: 'false when momentum is 0' });
    }
    this.nesterov = nesterov;
    this.weightDecay = checkNumber('SGD', 'weightDecay', options.weightDecay ?? 0, 0, Infinity);
    if (options.exclude !== undefined && typeof options.exclude !== 'function') invalid('SGD', 'exclude', options.exclude, 'a function (name, param) => boolean');
    this.exclude = options.exclude ?? excludeNormsBiasesAndCodebooks;
  }

  config(): OptimizerConfigValues {
    return { lr: this.lr, momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  protected update({ name, param, grad, lr, step, slot, setSlot }: UpdateContext): Tensor {
    let g = grad;
    if (this.weightDecay > 0 && !this.exclude(name, param)) {
      g = mapElementwise('sgd-l2', 'g + d * p', [grad, param, scalar(this.weightDecay)], param.shape, ['g', 'p', 'd']);
    }
    let direction = g;
    if (this.momentum > 0) {
      const mu = scalar(this.momentum);
      const buffer = step === 1 ? g : mapElementwise('sgd-momentum', 'u * b + g', [slot('momentum'), g, mu], param.shape, ['b', 'g', 'u']);
      setSlot('momentum', buffer);
      direction = this.nesterov ? mapElementwise('sgd-nesterov', 'g + u * b', [g, buffer, mu], param.shape, ['g', 'b', 'u']) : buffer;
    }
    return mapElementwise('optimizer-step', 'p - a * u', [param, direction, scalar(lr)], param.shape, ['p', 'u', 'a']);
  }
}
