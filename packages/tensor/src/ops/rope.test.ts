// rope against a float64 transcription of Transformers' LLaMA-family code
// (models/llama/modeling_llama.py: LlamaRotaryEmbedding, rotate_half, apply_rotary_pos_emb):
//   inv_freq = 1 / base^(arange(0, d, 2) / d);  emb = cat(t·inv_freq, t·inv_freq)
//   y = x·cos(emb) + rotate_half(x)·sin(emb),   rotate_half(x) = cat(−x[d/2:], x[:d/2])
// plus its defining properties, the gradient check, on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import { expectClose, expectGradcheck, ref, seeded, toleranceFor, type Ref } from './reference.test-helpers.js';

function refRope(x: Ref, base = 10000, offset = 0): Ref {
  const d = x.shape[x.shape.length - 1];
  const tokens = x.shape[x.shape.length - 2];
  const half = d / 2;
  const out = new Array<number>(x.data.length);
  for (let row = 0; row < x.data.length / d; row++) {
    const t = offset + (row % tokens);
    const xs = x.data.slice(row * d, row * d + d);
    const rotated = [...xs.slice(half).map((v) => -v), ...xs.slice(0, half)];
    for (let c = 0; c < d; c++) {
      const angle = t / base ** ((2 * (c % half)) / d);
      out[row * d + c] = xs[c] * Math.cos(angle) + rotated[c] * Math.sin(angle);
    }
  }
  return ref(x.shape, out);
}

describeEachBackend('rope', (backend) => {
  const tol = toleranceFor(backend);

  it('forward matches the Transformers formula: ranks 2–4, odd token counts, bases, offsets', async () => {
    const cases: Array<[number[], number, number]> = [
      [[5, 8], 10000, 0],
      [[2, 3, 7, 4], 10000, 0],
      [[1, 2, 6, 16], 500000, 0],
      [[3, 9, 2], 10, 3],
    ];
    for (const [n, [shape, base, offset]] of cases.entries()) {
      const [x, rx] = seeded(shape, 900 + n);
      await expectClose(ops.rope(x, { base, offset }), refRope(rx, base, offset), { rtol: tol.rtol, atol: Math.max(tol.atol, 2e-5 * (offset + shape[shape.length - 2])) }, `${JSON.stringify(shape)} base ${base} offset ${offset}`);
    }
  });

  it('position 0 is the identity and each pair keeps its length', async () => {
    const [x] = seeded([1, 6], 910);
    expect(Array.from(await ops.rope(x).data())).toEqual(Array.from(await x.data()));
    const [y] = seeded([4, 6], 911);
    const pairLengths = (v: Float32Array): number[] => Array.from({ length: 12 }, (_, i) => Math.hypot(v[Math.floor(i / 3) * 6 + (i % 3)], v[Math.floor(i / 3) * 6 + (i % 3) + 3]));
    const before = pairLengths((await y.data()) as Float32Array);
    const after = pairLengths((await ops.rope(y).data()) as Float32Array);
    after.forEach((n, i) => expect(n).toBeCloseTo(before[i], 4));
  });

  it('scores depend only on the distance between positions: ⟨R_m q, R_n k⟩ = ⟨R_{m+s} q, R_{n+s} k⟩', async () => {
    const q = [0.3, -1.2, 0.7, 0.5, 1.1, -0.4];
    const k = [-0.8, 0.2, 0.9, -0.6, 0.4, 1.3];
    // Rows at positions 0..5 hold the same q (and k); the score of rows (m, n) is ⟨R_m q, R_n k⟩.
    const rq = (await ops.rope(tensor(Array.from({ length: 6 }, () => q).flat(), [6, 6])).data()) as Float32Array;
    const rk = (await ops.rope(tensor(Array.from({ length: 6 }, () => k).flat(), [6, 6])).data()) as Float32Array;
    const score = (m: number, n: number): number => q.reduce((s, _, j) => s + rq[m * 6 + j] * rk[n * 6 + j], 0);
    expect(score(3, 1)).toBeCloseTo(score(4, 2), 4);
    expect(score(5, 2)).toBeCloseTo(score(3, 0), 4);
    expect(score(2, 2)).toBeCloseTo(score(0, 0), 4);
  });

  it('gradient (the inverse rotation)', async () => {
    const [x] = seeded([2, 3, 4], 920, { requiresGrad: true });
    await expectGradcheck((t) => ops.rope(t, { base: 100 }), [x]);
    const [y] = seeded([1, 2, 5, 6], 921, { requiresGrad: true });
    await expectGradcheck((t) => ops.rope(t, { offset: 2 }), [y]);
  });

  it('refuses odd head widths, bad bases and offsets, naming the value', () => {
    expect(() => ops.rope(tensor([1, 2, 3], [1, 3]))).toThrow(/even headDim/);
    expect(() => ops.rope(tensor([1, 2], [1, 2]), { base: 1 })).toThrow(/base must be a finite number > 1, got 1/);
    expect(() => ops.rope(tensor([1, 2], [1, 2]), { offset: -1 })).toThrow(/offset must be an integer ≥ 0, got -1/);
  });
});
