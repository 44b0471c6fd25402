// The printable form of values in error messages.
import { describe, expect, it } from 'vitest';
import { describeValue } from './describe.js';

describe('describeValue', () => {
  it('quotes strings as the package does and prints primitives as they are', () => {
    expect(describeValue('10')).toBe('"10"');
    expect(describeValue('10', "'")).toBe("'10'");
    expect([1.5, NaN, -Infinity, true, null, undefined].map((v) => describeValue(v))).toEqual(['1.5', 'NaN', '-Infinity', 'true', 'null', 'undefined']);
    expect(describeValue(() => 1)).toBe('a function');
  });

  it('names typed arrays by type and length, not by their contents', () => {
    expect(describeValue(new Float32Array(700))).toBe('Float32Array(700)');
    expect(describeValue(new Int32Array(3))).toBe('Int32Array(3)');
  });

  it('prints arrays item by item, objects with their own description by it, plain objects as JSON', () => {
    expect(describeValue([5, 1, 'a'], "'")).toBe("[5, 1, 'a']");
    expect(describeValue([])).toBe('[]');
    expect(describeValue({ toString: () => 'Tensor([1, 2], float32)' })).toBe('Tensor([1, 2], float32)');
    expect(describeValue({ train: 0.8, test: 0.3 })).toBe('{"train":0.8,"test":0.3}');
    expect(describeValue(Object.create(null))).toBe('{}');
  });

  it('cuts long values at 80 characters and survives values JSON cannot print', () => {
    const long = describeValue({ text: 'x'.repeat(200) });
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('[object Object]');
  });
});
