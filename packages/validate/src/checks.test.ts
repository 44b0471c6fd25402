// The shared checks: each accepts exactly its definition and otherwise throws the package's
// error with the field, the value and what is allowed, in the package's wording.
import { describe, expect, it } from 'vitest';
import { createChecks, orDefault, type Issue } from './checks.js';
import { allowedWording, expectedWording, interval } from './wording.js';

class PackageError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

const house = createChecks(allowedWording, (issue) => new PackageError(issue));
const expected = createChecks(expectedWording, (issue) => new PackageError(issue));

function issueOf(run: () => unknown): Issue {
  try {
    run();
  } catch (error) {
    if (error instanceof PackageError) return error.issue;
    throw error;
  }
  throw new Error('expected the check to throw');
}

describe('checkInteger', () => {
  it('accepts the integers of [min, max], bounds included', () => {
    for (const value of [2, 3, 5]) expect(house.checkInteger('layer', 'experts', value, 2, 5)).toBe(value);
    expect(house.checkInteger('layer', 'experts', 2 ** 40, 1)).toBe(2 ** 40);
  });

  it('rejects fractions, out-of-range values, non-finite values and non-numbers', () => {
    for (const value of [1, 6, 2.5, NaN, Infinity, '3', undefined, 2 ** 60]) expect(() => house.checkInteger('layer', 'experts', value, 2, 5)).toThrow(PackageError);
  });

  it('says what is allowed in either wording, with the note in brackets', () => {
    expect(() => house.checkInteger('layer', 'experts', 0, 1)).toThrow('layer: experts = 0 is invalid; allowed: an integer ≥ 1');
    expect(() => house.checkInteger('layer', 'experts', 9, 1, 8)).toThrow('layer: experts = 9 is invalid; allowed: an integer in [1, 8]');
    expect(() => expected.checkInteger('vq', 'codebookSize', 3, 4, Infinity, 'K ≥ N')).toThrow('vq: codebookSize = 3 is not allowed; expected an integer in [4, ∞] (K ≥ N)');
  });

  it('hands the error factory the field, the value and what is allowed', () => {
    expect(issueOf(() => house.checkInteger('layer', 'experts', '4', 1))).toEqual({
      where: 'layer',
      field: 'experts',
      value: '4',
      allowed: 'an integer ≥ 1',
      message: 'layer: experts = "4" is invalid; allowed: an integer ≥ 1',
    });
  });
});

describe('checkNumber', () => {
  it('closed bounds include the ends, open bounds exclude them', () => {
    expect(house.checkNumber('w', 'p', 0, 0, 1)).toBe(0);
    expect(house.checkNumber('w', 'p', 1, 0, 1)).toBe(1);
    expect(() => house.checkNumber('w', 'p', 1, 0, 1, { max: true })).toThrow('w: p = 1 is invalid; allowed: a number in [0, 1)');
    expect(() => house.checkNumber('w', 'p', 0, 0, 1, { min: true })).toThrow('w: p = 0 is invalid; allowed: a number in (0, 1]');
    expect(house.checkNumber('w', 'p', 0.5, 0, 1, { min: true, max: true })).toBe(0.5);
  });

  it('refuses NaN, ±Infinity and non-numbers even when the range is unbounded', () => {
    for (const value of [NaN, Infinity, -Infinity, '1', null]) expect(() => house.checkNumber('w', 'lr', value, -Infinity, Infinity)).toThrow(PackageError);
  });

  it('writes an infinite end as ∞, always open', () => {
    expect(interval(0, Infinity)).toBe('[0, ∞)');
    expect(interval(-Infinity, 1, { max: true })).toBe('(-∞, 1)');
    expect(() => expected.checkNumber('usmoe', 'topK', 0, 0, 4, { min: true })).toThrow('usmoe: topK = 0 is not allowed; expected a finite number in (0, 4]');
    expect(() => expected.checkNumber('switch', 'capacityFactor', -1, 0, Infinity, { min: true }, 'dropless: null')).toThrow(
      'switch: capacityFactor = -1 is not allowed; expected a finite number in (0, ∞) (dropless: null)',
    );
  });
});

describe('checkOneOf, checkBoolean, checkObject', () => {
  it('accept their definitions and name what is allowed', () => {
    expect(house.checkOneOf('lm', 'mode', 'min', ['min', 'max'])).toBe('min');
    expect(() => house.checkOneOf('lm', 'mode', 'mean', ['min', 'max'])).toThrow(`lm: mode = "mean" is invalid; allowed: one of 'min', 'max'`);
    expect(() => expected.checkOneOf('router', 'weighting', 'max', ['softmax'])).toThrow(`router: weighting = 'max' is not allowed; expected one of 'softmax'`);
    expect(house.checkBoolean('lm', 'bias', false)).toBe(false);
    expect(() => house.checkBoolean('lm', 'bias', 0)).toThrow('lm: bias = 0 is invalid; allowed: true or false');
    expect(house.checkObject('lm', 'moe', { experts: 4 })).toEqual({ experts: 4 });
    for (const value of [null, [1], 'x', undefined]) expect(() => house.checkObject('lm', 'moe', value)).toThrow(/lm: moe = .* is invalid; allowed: an object/);
  });
});

describe('checkKeys', () => {
  it('refuses a key outside the known ones, and treats a key set to undefined as absent', () => {
    expect(() => house.checkKeys('lm', { heads: 2, hedas: 3 }, ['heads'])).toThrow('lm: hedas = 3 is invalid; allowed: a known field (heads)');
    expect(() => expected.checkKeys('tokenChoice', { topk: 2 }, ['topK', 'experts'])).toThrow('tokenChoice: topk = 2 is not allowed; expected no such option; known options: topK, experts');
    expect(() => house.checkKeys('lm', { heads: 2, extra: undefined }, ['heads'])).not.toThrow();
    expect(() => house.checkKeys('lm', null, ['heads'])).toThrow('lm: config = null is invalid; allowed: an object');
  });

  it('a wording may word the unknown key on its own', () => {
    const own = createChecks(
      { ...allowedWording, unknownKey: (where, key, _value, known) => ({ allowed: known.join(', '), message: `${where}: unknown option '${key}'` }) },
      (issue) => new PackageError(issue),
    );
    expect(issueOf(() => own.checkKeys('SGD', { nestrov: true }, ['momentum']))).toEqual({ where: 'SGD', field: 'nestrov', value: true, allowed: 'momentum', message: `SGD: unknown option 'nestrov'` });
  });
});

describe('invalid and orDefault', () => {
  it('invalid throws the package error worded as the package words it', () => {
    expect(() => house.invalid('lm', 'heads', 3, 'a divisor of modelDim (8)')).toThrow(new PackageError({ where: 'lm', field: 'heads', value: 3, allowed: 'a divisor of modelDim (8)', message: 'lm: heads = 3 is invalid; allowed: a divisor of modelDim (8)' }));
  });

  it('orDefault replaces only undefined', () => {
    expect(orDefault(undefined, 4)).toBe(4);
    expect(orDefault(0, 4)).toBe(0);
    expect(orDefault<number | null>(null, 4)).toBe(null);
  });
});
