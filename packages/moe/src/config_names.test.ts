// One name per width: `expertDim` (each routed expert's FFN), `sharedExpertDim` (each shared
// expert's), `ffDim` (a dense FFN). Layer configs saved with the former names (`hidden`,
// `sharedHidden`) build the same layer; a config giving both names of one field is refused.
import { describe, expect, it } from 'vitest';
import { Rng, type Module } from '@smoe/tensor';
import { MoELayer, resolveMoELayerConfig, type MoELayerConfig } from './moe_layer.js';
import { SoftMoELayer, type SoftMoELayerConfig } from './soft_moe.js';
import { MoEPlusPlusLayer, type MoEPlusPlusLayerConfig } from './moe_plus_plus.js';
import { ConfigError } from './validate.js';

/** A config as read from a file written before the rename (JSON, so no type checks the names). */
function saved<T>(json: string): T {
  return JSON.parse(json) as T;
}

async function weights(module: Module): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, p] of module.namedParameters()) out[name] = Array.from(await p.data());
  return out;
}

describe('former width names in layer configs', () => {
  it('MoELayer: hidden and sharedHidden are read as expertDim and sharedExpertDim; the layer is the same', async () => {
    const current: MoELayerConfig = { dim: 4, expertDim: 6, experts: 3, sharedExperts: 2, sharedExpertDim: 5, vq: { regime: 'mixed' } };
    const former = saved<MoELayerConfig>('{ "dim": 4, "hidden": 6, "experts": 3, "sharedExperts": 2, "sharedHidden": 5, "vq": { "regime": "mixed" } }');
    expect(resolveMoELayerConfig(former)).toEqual(resolveMoELayerConfig(current));
    const a = new MoELayer(current, { rng: new Rng(2) });
    const b = new MoELayer(former, { rng: new Rng(2) });
    expect(b.experts.expertDim).toBe(6);
    expect(b.shared?.ffDim).toBe(10);
    expect(await weights(b)).toEqual(await weights(a));
  });

  it('Soft MoE and MoE++ layers: hidden is read as expertDim', async () => {
    const soft = new SoftMoELayer(saved<SoftMoELayerConfig>('{ "dim": 4, "hidden": 6, "experts": 3 }'), { rng: new Rng(1) });
    expect(soft.config).toEqual(new SoftMoELayer({ dim: 4, expertDim: 6, experts: 3 }).config);
    expect(await weights(soft)).toEqual(await weights(new SoftMoELayer({ dim: 4, expertDim: 6, experts: 3 }, { rng: new Rng(1) })));
    const plusPlus = new MoEPlusPlusLayer(saved<MoEPlusPlusLayerConfig>('{ "dim": 4, "hidden": 6, "experts": 3 }'), { rng: new Rng(1) });
    expect(plusPlus.config).toEqual(new MoEPlusPlusLayer({ dim: 4, expertDim: 6, experts: 3 }).config);
    expect(await weights(plusPlus)).toEqual(await weights(new MoEPlusPlusLayer({ dim: 4, expertDim: 6, experts: 3 }, { rng: new Rng(1) })));
  });

  it('a config that gives a field under both names is refused, naming both', () => {
    const both = saved<MoELayerConfig>('{ "dim": 4, "hidden": 6, "expertDim": 8, "experts": 3 }');
    expect(() => new MoELayer(both)).toThrow(ConfigError);
    expect(() => new MoELayer(both)).toThrow(/MoELayer: hidden = 6 is invalid; allowed: absent beside expertDim \(hidden is expertDim's former name; keep only expertDim\)/);
    expect(() => new MoELayer(saved('{ "dim": 4, "expertDim": 6, "experts": 3, "sharedHidden": 2, "sharedExpertDim": 2 }'))).toThrow(/sharedHidden = 2 is invalid; allowed: absent beside sharedExpertDim/);
    expect(() => new SoftMoELayer(saved('{ "dim": 4, "hidden": 6, "expertDim": 6, "experts": 3 }'))).toThrow(/SoftMoELayer: hidden = 6/);
    expect(() => new MoEPlusPlusLayer(saved('{ "dim": 4, "hidden": 6, "expertDim": 6, "experts": 3 }'))).toThrow(/MoEPlusPlusLayer: hidden = 6/);
  });

  it('an unknown field still lists the current names only', () => {
    expect(() => new MoELayer(saved('{ "dim": 4, "expertDim": 6, "experts": 3, "hiden": 6 }'))).toThrow(/hiden = 6 is invalid; allowed: a known field \(dim, expertDim, experts, .*sharedExpertDim/);
  });
});
