import { describe, expect, it } from 'vitest';
import { tensor } from '../index.js';
import { describeEachBackend, testBackends } from '../testing.js';

describe('backends', () => {
  it('finds cpu and webasm', () => {
    expect(testBackends).toContain('cpu');
    expect(testBackends).toContain('webasm');
  });
});

describeEachBackend('smoke', () => {
  it('adds and differentiates', async () => {
    const a = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = a.mul(a).sum();
    y.backward();
    expect(await y.item()).toBe(14);
    expect(Array.from(await a.grad!.data())).toEqual([2, 4, 6]);
  });
});
