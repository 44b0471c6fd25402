import { describe, expect, it } from 'vitest';
import { canonicalJson, firstDifference, jsonDifferences } from './json.js';

describe('JSON comparison', () => {
  it('canonical JSON ignores key order at every level, not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('names every differing leaf, keys in sorted order, up to a limit', () => {
    const a = { finetune: { steps: 600, lr: 0.003, warmup: 15, batch: 8 }, cell: { id: 'x' }, list: [1, 2] };
    const b = { finetune: { steps: 1200, lr: 0.001, warmup: 15, batch: 8 }, cell: { id: 'x' }, list: [1, 3], extra: true };
    expect(jsonDifferences(a, b, 'inputs')).toEqual([
      { path: 'inputs.extra', a: undefined, b: true },
      { path: 'inputs.finetune.lr', a: 0.003, b: 0.001 },
      { path: 'inputs.finetune.steps', a: 600, b: 1200 },
      { path: 'inputs.list[1]', a: 2, b: 3 },
    ]);
    expect(jsonDifferences(a, b, 'inputs', 2)).toHaveLength(2);
    expect(firstDifference(a, b)).toEqual({ path: 'config.extra', a: undefined, b: true });
    expect(jsonDifferences(a, structuredClone(a))).toEqual([]);
    expect(firstDifference({ k: [1] }, { k: { 0: 1 } })).toEqual({ path: 'config.k', a: [1], b: { 0: 1 } });
  });
});
