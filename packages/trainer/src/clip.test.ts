import { expect, it } from 'vitest';
import { tensor, type Tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { clipGradNorm, gradNorm } from './index.js';

function withGrad(grad: number[]): Tensor {
  const p = tensor(new Array(grad.length).fill(0), [grad.length], { requiresGrad: true });
  p.grad = tensor(grad, [grad.length]);
  return p;
}

describeEachBackend('clipGradNorm', () => {
  it('scales all gradients by max/norm when the global norm exceeds max, and returns the norm before', async () => {
    const a = withGrad([3, 4]);
    const b = withGrad([12]);
    const none = tensor([1], [1], { requiresGrad: true });
    expect(await gradNorm([a, b, none])).toBeCloseTo(13, 5);
    const norm = await clipGradNorm([a, b, none], 6.5);
    expect(norm).toBeCloseTo(13, 5);
    expect(Array.from(await a.grad!.data()).map((v) => Number(v.toFixed(5)))).toEqual([1.5, 2]);
    expect((await b.grad!.data())[0]).toBeCloseTo(6, 5);
    expect(await gradNorm([a, b])).toBeCloseTo(6.5, 5);
    expect(none.grad).toBeNull();
  });

  it('leaves gradients below max alone and passes NaN norms through', async () => {
    const a = withGrad([3, 4]);
    expect(await clipGradNorm([a], 10)).toBeCloseTo(5, 5);
    expect(Array.from(await a.grad!.data())).toEqual([3, 4]);
    expect(await clipGradNorm([withGrad([NaN, 1])], 1)).toBeNaN();
    await expect(clipGradNorm([a], 0)).rejects.toThrow(/maxNorm = 0 is invalid/);
  });
});
