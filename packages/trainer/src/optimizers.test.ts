import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { Adam, AdamW, SGD, createOptimizer, excludeNormsBiasesAndCodebooks, TrainerError } from './index.js';

function param(values: number[], shape = [values.length]): Tensor {
  return tensor(values, shape, { requiresGrad: true });
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** One optimizer step on `p` with gradient `g`. */
function stepWith(opt: { step(params: Iterable<readonly [string, Tensor]>): void }, name: string, p: Tensor, g: number[]): void {
  p.grad = tensor(g, p.shape);
  opt.step([[name, p]]);
}

describeEachBackend('optimizers', () => {
  it('AdamW: one and two steps with weight decay match values computed by hand', async () => {
    // θ0 = 1, g1 = 0.5, g2 = −1, lr 0.1, λ 0.1, β (0.9, 0.999), ε 1e-8:
    // step 1: θ ← 0.99; m 0.05, v 0.00025, m̂ 0.5, v̂ 0.25 → θ1 = 0.99 − 0.1·0.5/(0.5 + 1e-8) = 0.89000000198
    // step 2: θ ← 0.8811; m −0.055, v 0.00124975, m̂ −0.28947368, v̂ 0.62518759 → θ2 = 0.8811 + 0.036610… = 0.91771011
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.1, exclude: () => false });
    const p = param([1, -2], [1, 2]);
    stepWith(opt, 'w', p, [0.5, 0.5]);
    const [a1, b1] = await values(p);
    expect(a1).toBeCloseTo(0.89, 6);
    expect(b1).toBeCloseTo(-2 * 0.99 - 0.1, 6);
    stepWith(opt, 'w', p, [-1, -1]);
    const [a2, b2] = await values(p);
    expect(a2).toBeCloseTo(0.8811 + (0.1 * (0.055 / 0.19)) / Math.sqrt(0.00124975 / (1 - 0.999 ** 2)), 6);
    expect(a2).toBeCloseTo(0.9177101, 5);
    expect(b2).toBeCloseTo((-2 * 0.99 - 0.1) * 0.99 + (0.1 * (0.055 / 0.19)) / Math.sqrt(0.00124975 / (1 - 0.999 ** 2)), 5);
  });

  it('Adam adds L2 decay to the gradient instead', async () => {
    // g' = g + λθ = 0.5 + 0.1 = 0.6; first step moves by lr·sign ≈ 0.1 regardless of scale.
    const opt = new Adam({ lr: 0.1, weightDecay: 0.1, exclude: () => false });
    const p = param([1]);
    stepWith(opt, 'w', p, [0.5]);
    expect((await values(p))[0]).toBeCloseTo(0.9, 6);
    // second step: g' = −1 + 0.09 = −0.91; m = 0.054 − 0.091 = −0.037 (0.9·0.06 + 0.1·(−0.91))
    stepWith(opt, 'w', p, [-1]);
    const m = 0.9 * 0.06 + 0.1 * -0.91;
    const v = 0.999 * 0.001 * 0.36 + 0.001 * 0.91 * 0.91;
    const expected = 0.9 - (0.1 * (m / 0.19)) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect((await values(p))[0]).toBeCloseTo(expected, 6);
  });

  it('SGD with momentum and with Nesterov momentum', async () => {
    const plain = new SGD({ lr: 0.1, momentum: 0.9 });
    const p = param([1]);
    stepWith(plain, 'w', p, [0.5]); // b = 0.5, θ = 0.95
    expect((await values(p))[0]).toBeCloseTo(0.95, 6);
    stepWith(plain, 'w', p, [-1]); // b = 0.45 − 1 = −0.55, θ = 1.005
    expect((await values(p))[0]).toBeCloseTo(1.005, 6);

    const nesterov = new SGD({ lr: 0.1, momentum: 0.9, nesterov: true });
    const q = param([1]);
    stepWith(nesterov, 'w', q, [0.5]); // d = 0.5 + 0.45 = 0.95, θ = 0.905
    expect((await values(q))[0]).toBeCloseTo(0.905, 6);
    stepWith(nesterov, 'w', q, [-1]); // b = −0.55, d = −1 − 0.495 = −1.495, θ = 1.0545
    expect((await values(q))[0]).toBeCloseTo(1.0545, 6);

    const decayed = new SGD({ lr: 0.1, weightDecay: 0.5, exclude: () => false });
    const r = param([2]);
    stepWith(decayed, 'w', r, [1]); // g' = 1 + 1 = 2, θ = 1.8
    expect((await values(r))[0]).toBeCloseTo(1.8, 6);
  });

  it('excludes norms, biases and codebooks from weight decay', async () => {
    const opt = new AdamW({ lr: 0.5, weightDecay: 0.2 });
    const params: Array<[string, Tensor]> = [
      ['blocks.0.ffn.weight', param([1, 1], [1, 2])],
      ['blocks.0.ffn.bias', param([1, 1], [1, 2])],
      ['blocks.0.norm1.gain', param([1, 1], [1, 2])],
      ['moe.vq.codebook', param([1, 1], [1, 2])],
      ['head.scale', param([1])],
      // the experts' stacked biases: rank 2 and not named 'bias', excluded by their declared role
      ['blocks.0.ffn.experts.b1', Object.assign(param([1, 1], [1, 2]), { role: 'bias' as const })],
    ];
    for (const [, p] of params) p.grad = tensor([0, 0].slice(0, p.size), p.shape);
    opt.step(params);
    const after = await Promise.all(params.map(([, p]) => values(p)));
    expect(after[0][0]).toBeCloseTo(0.9, 6); // decayed by 1 − lr·λ; a zero gradient moves nothing else
    for (const v of after.slice(1)) expect(v[0]).toBe(1);
    expect(params.map(([n, p]) => excludeNormsBiasesAndCodebooks(n, p))).toEqual([false, true, true, true, true, true]);

    const custom = new AdamW({ lr: 0.5, weightDecay: 0.2, exclude: (name) => name.includes('ffn') });
    const w = param([1, 1], [1, 2]);
    w.grad = tensor([0, 0], [1, 2]);
    custom.step([['blocks.0.ffn.weight', w]]);
    expect((await values(w))[0]).toBe(1);
  });

  it('saves and restores moments, and skips parameters without gradients', async () => {
    const a = new AdamW({ lr: 0.1 });
    const p = param([1, 2]);
    const unused = param([3]);
    stepWith(a, 'p', p, [0.1, -0.2]);
    a.step([['unused', unused]]);
    expect(await values(unused)).toEqual([3]);
    const state = a.state();
    expect(Object.keys(state.tensors).sort()).toEqual(['m.p', 'v.p']);
    expect(state.meta).toMatchObject({ name: 'adamw', steps: { p: 1 } });
    const b = new AdamW({ lr: 0.1 });
    b.restore(state, [['p', p]]);
    const q = param(await values(p));
    stepWith(a, 'p', p, [0.3, 0.3]);
    stepWith(b, 'p', q, [0.3, 0.3]);
    expect(await values(q)).toEqual(await values(p));
    expect(() => new SGD().restore(state)).toThrow(/belongs to optimizer 'adamw'/);
    expect(() => b.restore(state, [['p', param([1, 2, 3])]])).toThrow(/has shape \[2\], parameter 'p' has \[3\]/);
  });
});

describe('optimizer configs', () => {
  it('rejects invalid options naming the field, the value and what is allowed', () => {
    expect(() => new AdamW({ lr: -1 })).toThrow(TrainerError);
    expect(() => new AdamW({ lr: -1 })).toThrow(/AdamW: lr = -1 is invalid; allowed: a number in \[0, Infinity\]/);
    expect(() => new Adam({ betas: [0.9, 1] })).toThrow(/betas\[1\] = 1 is invalid/);
    expect(() => new SGD({ nesterov: true })).toThrow(/nesterov = true needs momentum > 0/);
    expect(() => new SGD({ momentum: 0.9, nestrov: true } as never)).toThrow(/unknown option 'nestrov'/);
    expect(() => createOptimizer({ name: 'lion' } as never)).toThrow(/name = "lion" is invalid; allowed: 'adamw' \| 'adam' \| 'sgd'/);
  });

  it('builds optimizers from configs', () => {
    const opt = createOptimizer({ name: 'adamw', lr: 3e-4, weightDecay: 0.05 });
    expect(opt).toBeInstanceOf(AdamW);
    expect(opt.config()).toEqual({ lr: 3e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 });
    expect(createOptimizer({ name: 'sgd', momentum: 0.9 }).config()).toMatchObject({ momentum: 0.9, nesterov: false });
  });
});
