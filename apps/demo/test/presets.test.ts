import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../src/settings.js';
import { moeConfig } from '../src/tasks.js';

describe('router presets of the literature', () => {
  it('deepseek: 4× finer experts, one shared, sigmoid auxiliary-loss-free top-(4k − 1), the coarse active width', () => {
    const moe = moeConfig({ ...defaultSettings, router: 'deepseek' })!;
    expect(moe).toEqual({ experts: 32, expertDim: 32, sharedExperts: 1, router: { strategy: 'auxiliaryLossFree', topK: 7 } });
    expect((moe.router!.topK as number) * moe.expertDim! + moe.sharedExperts! * moe.expertDim!).toBe(defaultSettings.topK * defaultSettings.ffDim);
  });

  it('--expert-granularity and --shared-experts apply to any top-k router, and are refused where k is not an integer', () => {
    expect(moeConfig({ ...defaultSettings, router: 'tokenChoice', expertGranularity: 2, sharedExperts: 0 })).toEqual({ experts: 16, expertDim: 64, sharedExperts: 0, router: { strategy: 'tokenChoice', topK: 4 } });
    expect(moeConfig({ ...defaultSettings, router: 'deepseek', expertGranularity: 2, sharedExperts: 2 })?.router).toEqual({ strategy: 'auxiliaryLossFree', topK: 2 });
    expect(() => moeConfig({ ...defaultSettings, router: 'usmoe', topK: 1.5, expertGranularity: 2 })).toThrow(/integer --top-k/);
    expect(() => moeConfig({ ...defaultSettings, router: 'switch', sharedExperts: 1 })).toThrow(/integer --top-k/);
  });

  it('softMoE and moepp are layer kinds: soft slots, zero-computation experts', () => {
    expect(moeConfig({ ...defaultSettings, router: 'softMoE', routerOptions: { slotsPerExpert: 2 } })).toEqual({ experts: 8, expertDim: 128, soft: { slotsPerExpert: 2 } });
    expect(moeConfig({ ...defaultSettings, router: 'moepp' })).toEqual({ experts: 8, expertDim: 128, zeroComputation: { topK: 2 } });
    expect(moeConfig({ ...defaultSettings, router: 'remoe' })?.router).toEqual({ strategy: 'remoe', topK: 2 });
  });
});
