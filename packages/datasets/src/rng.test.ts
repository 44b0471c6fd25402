import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation, sampleWithoutReplacement } from './rng.js';
import { DatasetError } from './validate.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('matches the reference mulberry32 output for seed 0', () => {
    // The widely used JavaScript mulberry32 returns 0.26642920868471265 (= 1144304738 / 2^32) first for seed 0.
    expect(createRng(0).next()).toBe(1144304738 / 4294967296);
  });

  it('draws uniforms in [0, 1), integers in range and standard normals', () => {
    const rng = createRng(7);
    let sum = 0;
    let squares = 0;
    let outOfRange = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      const k = rng.int(6);
      if (!(u >= 0 && u < 1) || !(Number.isInteger(k) && k >= 0 && k < 6)) outOfRange++;
      const z = rng.normal();
      sum += z;
      squares += z * z;
    }
    expect(outOfRange).toBe(0);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.05);
  });

  it('saves and restores its state', () => {
    const rng = createRng(5);
    rng.next();
    const saved = rng.state();
    const expected = [rng.next(), rng.next()];
    rng.restore(saved);
    expect([rng.next(), rng.next()]).toEqual(expected);
  });

  it('shuffles into a permutation, deterministically', () => {
    const order = permutation(100, 3);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(permutation(100, 3)).toEqual(order);
    expect(permutation(100, 4)).not.toEqual(order);
  });

  it('samples distinct values', () => {
    const sample = sampleWithoutReplacement(createRng(1), 50, 20);
    expect(new Set(sample).size).toBe(20);
    expect(Math.max(...sample)).toBeLessThan(50);
  });

  it('derives independent seeds per stream', () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(2, 0));
    expect(deriveSeed(1)).not.toBe(deriveSeed(1 + 2 ** 32));
  });

  it('rejects a non-integer seed or bound', () => {
    expect(() => createRng(1.5)).toThrow(DatasetError);
    expect(() => createRng(1).int(0)).toThrow(/n = 0/);
  });
});
