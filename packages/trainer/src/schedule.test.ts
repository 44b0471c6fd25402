import { describe, expect, it } from 'vitest';
import { constant, createSchedule, warmupCosine, warmupLinear } from './index.js';

describe('schedules', () => {
  it('constant is 1 at every step', () => {
    expect([1, 10, 1e6].map((s) => constant().factor(s))).toEqual([1, 1, 1]);
  });

  it('warmupCosine: linear warm-up, cosine to min at total, min after', () => {
    const s = warmupCosine({ warmup: 10, total: 110, min: 0.1 });
    expect(s.factor(1)).toBeCloseTo(0.1, 12);
    expect(s.factor(5)).toBeCloseTo(0.5, 12);
    expect(s.factor(10)).toBe(1);
    expect(s.factor(35)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.SQRT1_2), 12); // a quarter of the decay
    expect(s.factor(60)).toBeCloseTo(0.55, 12); // half way: min + (1 − min)/2
    expect(s.factor(110)).toBeCloseTo(0.1, 12);
    expect(s.factor(500)).toBe(0.1);
    expect(warmupCosine({ total: 100 }).factor(1)).toBeCloseTo(1, 3); // no warm-up, min 0
    expect(warmupCosine({ total: 100 }).factor(100)).toBe(0);
  });

  it('warmupLinear: linear warm-up, linear decay to min', () => {
    const s = warmupLinear({ warmup: 10, total: 110, min: 0.1 });
    expect(s.factor(5)).toBeCloseTo(0.5, 12);
    expect(s.factor(10)).toBe(1);
    expect(s.factor(35)).toBeCloseTo(0.775, 12);
    expect(s.factor(60)).toBeCloseTo(0.55, 12);
    expect(s.factor(110)).toBeCloseTo(0.1, 12);
  });

  it('round-trips through its JSON config', () => {
    const s = warmupCosine({ warmup: 5, total: 50 });
    expect(s.config).toEqual({ name: 'warmupCosine', warmup: 5, total: 50, min: 0 });
    const t = createSchedule(JSON.parse(JSON.stringify(s.config)));
    expect([1, 5, 20, 50].map((k) => t.factor(k))).toEqual([1, 5, 20, 50].map((k) => s.factor(k)));
    expect(createSchedule({ name: 'constant' }).factor(3)).toBe(1);
  });

  it('rejects invalid configs and steps', () => {
    expect(() => warmupCosine({ warmup: 10, total: 10 })).toThrow(/total = 10 is invalid; allowed: an integer > warmup \(10\)/);
    expect(() => warmupLinear({ total: 10, min: 2 })).toThrow(/min = 2 is invalid; allowed: a number in \[0, 1\]/);
    expect(() => warmupCosine({ total: 10, minimum: 0.1 } as never)).toThrow(/unknown option 'minimum'/);
    expect(() => createSchedule({ name: 'step' } as never)).toThrow(/name = "step" is invalid/);
    expect(() => constant().factor(0)).toThrow(/steps count from 1/);
  });
});
