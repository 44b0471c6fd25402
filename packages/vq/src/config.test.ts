import { describe, expect, it } from 'vitest';
import { tensor } from '@smoe/tensor';
import { Codebook, FSQ, ProductVQ, ResidualVQ, VQConfigError, type CodebookConfig } from './index.js';

const base = { size: 4, dim: 3 };
const build = (config: Record<string, unknown>): Codebook => new Codebook(config as unknown as CodebookConfig);

describe('invalid configurations throw errors naming field, value and what is allowed', () => {
  it('Codebook', () => {
    expect(() => build({ ...base, size: 0 })).toThrow("Codebook: size = 0 is not allowed; expected an integer in [1, 16777216]");
    expect(() => build({ ...base, size: 2.5 })).toThrow(/size = 2\.5/);
    expect(() => build({ size: 4 })).toThrow(/dim = undefined is not allowed; expected an integer in \[1, ∞\]/);
    expect(() => build({ ...base, dampRate: 0 })).toThrow('Codebook: dampRate = 0 is not allowed; expected a finite number in (0, 1)');
    expect(() => build({ ...base, dampRate: 1 })).toThrow(/dampRate = 1 is not allowed/);
    expect(() => build({ ...base, dampRate: 1.5, straightThrough: 'damped' })).toThrow(/dampRate = 1\.5/);
    expect(() => build({ ...base, distance: 'manhattan' })).toThrow("Codebook: distance = 'manhattan' is not allowed; expected one of 'l2', 'cosine'");
    expect(() => build({ ...base, straightThrough: 'soft' })).toThrow(/straightThrough = 'soft'.*'standard', 'damped'/);
    expect(() => build({ ...base, commitmentWeight: -1 })).toThrow(/commitmentWeight = -1/);
    expect(() => build({ ...base, comitmentWeight: 0.25 })).toThrow(/comitmentWeight = 0\.25 is not allowed; expected no such option; known options: size, dim/);
    expect(() => build({ ...base, ema: { decay: 1 } })).toThrow(/ema\.decay = 1 is not allowed; expected a finite number in \(0, 1\)/);
    expect(() => build({ ...base, ema: { decy: 0.9 } })).toThrow(/Codebook ema: decy = 0\.9/);
    expect(() => build({ ...base, ema: 'yes' })).toThrow(/ema = 'yes'/);
    expect(() => build({ ...base, kmeansInit: { iterations: -1 } })).toThrow(/kmeansInit\.iterations = -1/);
    expect(() => build({ ...base, kmeansInit: { seeding: 'forgy' } })).toThrow(/kmeansInit\.seeding = 'forgy'.*'kmeans\+\+', 'random'/);
    expect(() => build({ ...base, deadCodeThreshold: -2 })).toThrow(/deadCodeThreshold = -2/);
    expect(() => build({ ...base, usageDecay: 0 })).toThrow(/usageDecay = 0/);
    expect(() => build({ ...base, size: 0 })).toThrow(VQConfigError);
  });

  it('inputs of the wrong dimension', async () => {
    const codebook = new Codebook(base);
    await expect(codebook.quantize(tensor([[1, 2]]))).rejects.toThrow("Codebook.quantize: x = Tensor([1, 2], float32) is not allowed; expected a float32 tensor of shape [N, 3] (dim 3)");
    expect(() => codebook.nearest(tensor([1, 2, 3]))).toThrow(/Codebook\.nearest: x = Tensor\(\[3\], float32\)/);
    await expect(new FSQ({ levels: [3, 3] }).quantize(tensor([[1, 2, 3]]))).rejects.toThrow(/FSQ\.quantize: .*\[N, 2\]/);
    await expect(new ResidualVQ({ ...base, levels: 2 }).quantize(tensor([[1, 2]]))).rejects.toThrow(/ResidualVQ\.quantize/);
    await expect(new ProductVQ({ ...base, heads: 3 }).quantize(tensor([[1, 2]]))).rejects.toThrow(/ProductVQ\.quantize/);
  });

  it('ResidualVQ, ProductVQ, FSQ', () => {
    expect(() => new ResidualVQ({ ...base, levels: 0 })).toThrow('ResidualVQ: levels = 0 is not allowed; expected an integer in [1, ∞]');
    expect(() => new ResidualVQ({ ...base, levels: 2, distance: 'cosine' })).toThrow(/ResidualVQ: distance = 'cosine' is not allowed; expected 'l2'/);
    expect(() => new ResidualVQ({ ...base, levels: 2, size: 0 })).toThrow(/ResidualVQ: size = 0/);
    expect(() => new ProductVQ({ ...base, heads: 2 })).toThrow('ProductVQ: dim = 3 is not allowed; expected a multiple of heads (2)');
    expect(() => new ProductVQ({ ...base, heads: 0 })).toThrow(/heads = 0/);
    expect(() => new FSQ({ levels: [] })).toThrow(/FSQ: levels = \[\] is not allowed; expected a non-empty array/);
    expect(() => new FSQ({ levels: [5, 1] })).toThrow('FSQ: levels[1] = 1 is not allowed; expected an integer in [2, ∞]');
    expect(() => new FSQ({ levels: [256, 256, 256, 2] })).toThrow(/product \(33554432\) is at most 2\^24/);
    expect(() => new FSQ({ levels: [3], epsilon: 0 })).toThrow(/epsilon = 0/);
  });
});
