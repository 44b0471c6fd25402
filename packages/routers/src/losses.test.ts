// Auxiliary losses on hand-made matrices, and their gradients.
import { describe, expect, it } from 'vitest';
import { gradcheck, tensor } from '@smoe/tensor';
import { cvSquared, entropyLoss, importanceLoss, noisyLoadLoss, normalCdf, stableBalanceLoss, switchBalanceLoss, zLoss } from './index.js';

describe('auxiliary losses', () => {
  it('Switch balance loss N·Σ f_j P_j', async () => {
    const p = tensor([
      [0.7, 0.3],
      [0.2, 0.8],
    ]);
    expect(await switchBalanceLoss(p, [1, 1]).item()).toBeCloseTo(1, 6);
    expect(await switchBalanceLoss(p, [2, 0]).item()).toBeCloseTo(0.9, 6);
    expect(() => switchBalanceLoss(p, [1, 1, 1])).toThrow(/3 entries for 2 experts/);
  });

  it('z-loss mean (logsumexp S)²', async () => {
    const expected = (Math.LN2 ** 2 + (1 + Math.LN2) ** 2) / 2;
    expect(
      await zLoss(
        tensor([
          [0, 0],
          [1, 1],
        ])
      ).item()
    ).toBeCloseTo(expected, 5);
  });

  it('importance loss CV(Σ_i G_ij)² and cvSquared', async () => {
    expect(
      await importanceLoss(
        tensor([
          [1, 0],
          [1, 0],
        ])
      ).item()
    ).toBeCloseTo(1, 6);
    expect(await cvSquared(tensor([1, 1, 1])).item()).toBeCloseTo(0, 6);
  });

  it('normal CDF to 1e-6', async () => {
    const z = [-3, -1.96, -1, 0, 1, 3];
    const expected = [0.0013499, 0.0249979, 0.1586553, 0.5, 0.8413447, 0.9986501];
    const got = await normalCdf(tensor(z)).data();
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it("Shazeer's load loss", async () => {
    const clean = tensor([[1, 0]], undefined, { requiresGrad: true });
    const std = tensor([[1, 1]]);
    const loss = noisyLoadLoss(clean, clean, std, 1);
    // load = [Φ(1), Φ(−1)]: cv² = (Φ(1) − 1/2)² / (1/2)²
    expect(await loss.item()).toBeCloseTo((0.8413447 - 0.5) ** 2 / 0.25, 5);
    loss.backward();
    expect(Math.abs((await clean.grad!.data())[0])).toBeGreaterThan(0);
    expect(await noisyLoadLoss(clean, clean, std, 2).item()).toBe(0);
  });

  it('StableMoE balance loss', async () => {
    const gates = tensor([
      [0.6, 0.4],
      [0.7, 0.3],
      [0.2, 0.8],
    ]);
    const loss = stableBalanceLoss(gates, Int32Array.of(0, 1, 2), Int32Array.of(0, 0, 1), Int32Array.of(2, 1));
    expect(await loss.item()).toBeCloseTo(((0.6 + 0.7) / 3 - 0.8 / 3) / 3, 6);
  });

  it('entropy loss', async () => {
    expect(
      await entropyLoss(
        tensor([
          [0, 0],
          [0, 0],
        ])
      ).item()
    ).toBeCloseTo(Math.LN2, 6);
  });

  it('gradients match finite differences', async () => {
    const s = tensor(
      [
        [0.3, -0.2, 0.5],
        [1.0, 0.1, -0.4],
      ],
      undefined,
      { requiresGrad: true }
    );
    for (const f of [(x: typeof s) => zLoss(x), (x: typeof s) => entropyLoss(x), (x: typeof s) => switchBalanceLoss(x.softmax(), [2, 1, 1]), (x: typeof s) => importanceLoss(x.softmax())]) {
      const result = await gradcheck(f, [s]);
      expect(result.ok).toBe(true);
    }
  });
});
