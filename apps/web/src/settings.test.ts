import { describe, expect, it } from 'vitest';
import { LanguageModel } from '@smoe/moe';
import { setBackend } from '@smoe/tensor';
import { defaultSettings, modelConfig, modelSizes, routers, SettingsError, validateSettings, type RouterName } from './settings.js';
import { drawByte, tokenizer } from './training.js';

describe('page settings', () => {
  it('accepts the defaults and names field, value and what is allowed otherwise', () => {
    expect(validateSettings({ ...defaultSettings })).toEqual(defaultSettings);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...defaultSettings, router: 'topOne' }, "invalid setting router = \"topOne\"; allowed: tokenChoice, switch, expertChoice, usmoe, vqmoe, xmoe, stableMoE"],
      [{ ...defaultSettings, steps: 0 }, 'invalid setting steps = 0; allowed: an integer in [1, 100000]'],
      [{ ...defaultSettings, size: 'huge' }, 'invalid setting size = "huge"; allowed: tiny, small, medium'],
      [{ ...defaultSettings, lr: 1 }, 'invalid setting lr = 1; allowed: one of the fields router, size, backend, steps, seed'],
    ];
    for (const [given, message] of cases) {
      expect(() => validateSettings(given)).toThrow(SettingsError);
      expect(() => validateSettings(given)).toThrow(message);
    }
  });

  it('every router on offer builds a model whose one forward pass routes every token', async () => {
    await setBackend('cpu');
    const { context, layers } = modelSizes.tiny;
    for (const router of Object.keys(routers) as RouterName[]) {
      const model = new LanguageModel(modelConfig({ ...defaultSettings, router }, tokenizer.vocabSize));
      const ids = tokenizer.encode('Call me Ishmael. Some years ago—never mind how long').slice(0, context);
      const logits = await model.forward(ids, [1, ids.length]);
      expect(logits.shape, router).toEqual([1, ids.length, tokenizer.vocabSize]);
      expect(model.body.moeLayers(), router).toHaveLength(layers);
      for (const { moe } of model.body.moeLayers()) expect(moe.lastPlan?.tokens, router).toBe(ids.length);
    }
  });
});

describe('drawByte (sampling by the inverse CDF of softmax(logits / temperature))', () => {
  const logits = new Float32Array(259).fill(-Infinity);
  logits[65] = 0;
  logits[66] = Math.log(3); // B three times as likely as A
  logits[257] = 100; // a special id: never drawn

  it('is argmax over the bytes at temperature 0', () => {
    expect(drawByte(logits, 0, 0.5)).toBe(66);
  });

  it('splits [0, 1) in proportion to the probabilities, in byte order', () => {
    expect(drawByte(logits, 1, 0)).toBe(65);
    expect(drawByte(logits, 1, 0.249)).toBe(65);
    expect(drawByte(logits, 1, 0.251)).toBe(66);
    expect(drawByte(logits, 1, 0.999)).toBe(66);
  });
});
