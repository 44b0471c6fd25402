import { describe, expect, it } from 'vitest';
import { checkRatios, stratifiedSplit } from './stratified-split.js';

describe('stratifiedSplit', () => {
  const strata = [...Array(100).fill('a'), ...Array(30).fill('b'), ...Array(7).fill('c')];

  it('splits each stratum by the ratios, disjointly and covering everything', () => {
    const split = stratifiedSplit(strata, { train: 0.8, validation: 0.1, test: 0.1 }, 1);
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(strata.map((_, i) => i));
    const count = (indices: Int32Array, key: string): number => Array.from(indices).filter((i) => strata[i] === key).length;
    expect([count(split.validation, 'a'), count(split.test, 'a'), count(split.train, 'a')]).toEqual([10, 10, 80]);
    expect([count(split.validation, 'b'), count(split.test, 'b'), count(split.train, 'b')]).toEqual([3, 3, 24]);
    expect([count(split.validation, 'c'), count(split.test, 'c'), count(split.train, 'c')]).toEqual([1, 1, 5]);
  });

  it('is fixed for a seed and changes with it', () => {
    const ratios = { train: 0.6, validation: 0.2, test: 0.2 };
    expect(stratifiedSplit(strata, ratios, 5)).toEqual(stratifiedSplit(strata, ratios, 5));
    expect(stratifiedSplit(strata, ratios, 5).test).not.toEqual(stratifiedSplit(strata, ratios, 6).test);
  });

  it('rejects invalid ratios, naming the field', () => {
    expect(() => checkRatios('x', { train: 0.8, validation: 0.3, test: 0.1 })).toThrow(/ratios = .* allowed: train \+ validation \+ test = 1/);
    expect(() => checkRatios('x', { train: 1.2, validation: -0.1, test: -0.1 })).toThrow(/ratios.train = 1.2 is invalid; allowed: a number in \[0, 1\]/);
    expect(() => checkRatios('x', { train: 0.5, validation: 0.5 })).toThrow(/ratios.test = undefined/);
    expect(() => checkRatios('x', null)).toThrow(/ratios = null/);
  });
});
