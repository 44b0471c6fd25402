// The autograd engine: accumulation, noGrad, detach, shared subexpressions, seeds and errors,
// on every backend.
import { expect, it } from 'vitest';
import { gradcheck, isGradEnabled, mapElementwise, noGrad, ones, parameter, record, tensor, zeros, type Tensor } from './index.js';
import { describeEachBackend } from './testing.js';

async function values(t: { data(): Promise<ArrayLike<number>> } | null): Promise<number[]> {
  if (!t) throw new Error('expected a gradient, got null');
  return Array.from(await t.data());
}

describeEachBackend('autograd', () => {
  it('backward accumulates into .grad across two calls', async () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(await values(x.grad)).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(await values(x.grad)).toEqual([5, 7, 9]);
    x.grad = null;
    x.mul(3).sum().backward();
    expect(await values(x.grad)).toEqual([3, 3, 3]);
  });

  it('only leaves that require grad receive .grad; intermediates do not', async () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const c = tensor([5, 7], [2]);
    const h = x.mul(c);
    h.sum().backward();
    expect(await values(x.grad)).toEqual([5, 7]);
    expect(c.grad).toBeNull();
    expect(h.grad).toBeNull();
    expect(h.requiresGrad).toBe(true);
    expect(h.node?.op).toBe('mul');
    expect(c.mul(2).requiresGrad).toBe(false);
  });

  it('noGrad disables recording and restores the mode, also after a throw and an async body', async () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeUndefined();
    expect(await values(y)).toEqual([2, 4]);
    expect(() => y.sum().backward()).toThrow(/does not require grad/);

    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(isGradEnabled()).toBe(true);

    const pending = noGrad(async () => {
      await Promise.resolve();
      expect(isGradEnabled()).toBe(false);
      return x.add(1);
    });
    const z = await pending;
    expect(isGradEnabled()).toBe(true);
    expect(z.requiresGrad).toBe(false);

    // Nested: the inner call restores the outer's mode.
    noGrad(() => {
      noGrad(() => undefined);
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('detach: same values, no history; gradient does not flow through it', async () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const h = x.mul(x);
    const d = h.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeUndefined();
    expect(await values(d)).toEqual([1, 4, 9]);
    // y = x·detach(x²): dy/dx = x² only.
    x.mul(d).sum().backward();
    expect(await values(x.grad)).toEqual([1, 4, 9]);
  });

  it('shared subexpressions (diamond graphs) get their gradients summed', async () => {
    // z = x·x + 3x, x used three times: dz/dx = 2x + 3.
    const x = tensor([1, -2, 0.5], [3], { requiresGrad: true });
    x.mul(x).add(x.mul(3)).sum().backward();
    expect(await values(x.grad)).toEqual([5, -1, 4]);

    // Diamond: h = 2a; b = h + 1; c = 3h; out = b·c. d out/da = 2·(c + 3b) = 2·(6a + 6a + 3) = 24a + 6.
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const h = a.mul(2);
    const b = h.add(1);
    const c = h.mul(3);
    b.mul(c).sum().backward();
    expect(await values(a.grad)).toEqual([30, 54]);

    // The same tensor as both operands of one op.
    const s = tensor([3], [1], { requiresGrad: true });
    s.add(s).sum().backward();
    expect(await values(s.grad)).toEqual([2]);
  });

  it('broadcast operands get gradients summed over the broadcast dimensions', async () => {
    const w = tensor([1, 2, 3], [3], { requiresGrad: true });
    const x = tensor([[1, 1, 1], [2, 2, 2]]);
    x.mul(w).sum().backward();
    expect(await values(w.grad)).toEqual([3, 3, 3]);
  });

  it('a non-scalar needs a seed gradient: the error names the shape', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/backward: .*\[2, 3\].* is not a scalar; pass the seed gradient of shape \[2, 3\]/);
  });

  it('with a seed of its own shape, a non-scalar backpropagates', async () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 0, 1, 0, 1, 0], [2, 3]));
    expect(await values(x.grad)).toEqual([2, 0, 6, 0, 10, 0]);
    expect(() => x.mul(2).backward(ones([3, 2]))).toThrow(/seed gradient of shape \[3, 2\] does not match \[2, 3\]/);
  });

  it('backward on a tensor that does not require grad throws', () => {
    const x = tensor([1, 2], [2]);
    expect(() => x.sum().backward()).toThrow(/backward: .*does not require grad/);
    expect(() => x.backward(ones([2]))).toThrow(/does not require grad/);
  });

  it('a scalar output seeds with 1; a one-element non-scalar too', async () => {
    const x = tensor([2], [1, 1], { requiresGrad: true });
    x.mul(5).backward();
    expect(await values(x.grad)).toEqual([5]);
  });

  it('parameters are leaves that require grad; backward reaches them through many ops', async () => {
    const w = parameter(tensor([[0.5, -1], [2, 0.25]]), 'w');
    const b = parameter(zeros([2]), 'b');
    const x = tensor([[1, 2], [3, 4]]);
    const loss = x.matmul(w).add(b).relu().square().mean();
    loss.backward();
    expect(w.grad?.shape).toEqual([2, 2]);
    expect(b.grad?.shape).toEqual([2]);
    // h = x·w = [[4.5, -0.5], [9.5, -2]]; relu kills column 1; d mean(h²)/dh = h/2 on column 0.
    expect(await values(b.grad)).toEqual([7, 0]);
    expect(await values(w.grad)).toEqual([1 * 2.25 + 3 * 4.75, 0, 2 * 2.25 + 4 * 4.75, 0]);
  });

  it('custom ops via record: gradcheck accepts a right gradient and catches a wrong one', async () => {
    const cube = (gradient: string) => (x: Tensor): Tensor =>
      record(mapElementwise('cube', 'x * x * x', [x]), 'cube', [x], (g) => [mapElementwise('cube-grad', gradient, [x, g], x.shape, ['x', 'g'])]);
    const x = tensor([0.5, -1, 1.5, 2], [2, 2], { requiresGrad: true });
    const right = await gradcheck(cube('3 * g * x * x'), [x]);
    expect(right.ok).toBe(true);
    const wrong = await gradcheck(cube('2 * g * x * x'), [x]);
    expect(wrong.ok).toBe(false);
    expect(wrong.worst?.input).toBe(0);
    // The worst entry is the largest |x|: analytic 2x²·w against numeric 3x²·w.
    expect(wrong.worst?.index).toBe(3);
  });

  it('the graph can be walked twice (retain by default)', async () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    y.backward();
    expect(await values(x.grad)).toEqual([4, 8]);
  });
});

describeEachBackend(
  'autograd on a deep graph',
  () => {
    it('backward through a chain of 2000 ops (iterative, no stack overflow)', async () => {
      const x = tensor([1], [1], { requiresGrad: true });
      let y = x;
      for (let i = 0; i < 2000; i++) y = y.add(1);
      y.sum().backward();
      expect(await values(x.grad)).toEqual([1]);
    });
  },
  ['cpu'],
);
