import { expect, it } from 'vitest';
import { Rng, randn, tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { MultiHeadAttention } from './attention.js';

describeEachBackend('MultiHeadAttention', () => {
  for (const causal of [true, false]) {
    it(`${causal ? 'causal: the first token ignores' : 'bidirectional: the first token sees'} the last one`, async () => {
      const attention = new MultiHeadAttention({ dim: 8, heads: 2, causal, rng: new Rng(1) });
      const x = (await randn([1, 4, 8], 1, { rng: new Rng(2) }).data()) as Float32Array;
      const moved = Float32Array.from(x);
      for (let c = 24; c < 32; c++) moved[c] += 1;
      const a = await attention.forward(randn([1, 4, 8], 1, { rng: new Rng(2) })).data();
      const b = await attention.forward(tensor(moved, [1, 4, 8])).data();
      const firstRow = maxAbsDiff(a.slice(0, 8), b.slice(0, 8));
      if (causal) expect(firstRow).toBeLessThan(1e-6);
      else expect(firstRow).toBeGreaterThan(1e-4);
    });
  }
}, ['cpu']);
