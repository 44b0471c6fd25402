// A VQMoE language model saved before the VQ branch moved into vqmoe.ts. The fixture holds what
// that code wrote and computed: the config, the initial weights its seed drew, a checkpoint
// (parameters in their order, every one moved off its initial value, and buffers after a
// training step) and the logits of that checkpoint loaded into a fresh model. Today's model
// must draw the same weights, name and order them the same, and compute the same logits.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel, type LanguageModelConfig } from './index.js';

interface Fixture {
  config: LanguageModelConfig & { seed: number };
  ids: number[];
  initial: Record<string, number[]>;
  parameters: Record<string, { shape: number[]; data: number[] }>;
  buffers: Record<string, number[]>;
  logits: number[];
}

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/vqmoe-checkpoint.json', import.meta.url), 'utf8')) as Fixture;

describeEachBackend('checkpoints saved before vqmoe.ts', () => {
  it('name and order the parameters and buffers as they did, and the same seed draws the same weights', async () => {
    const model = new LanguageModel(fixture.config);
    expect(model.namedParameters().map(([name]) => name)).toEqual(Object.keys(fixture.parameters));
    for (const [name, p] of model.namedParameters()) expect(Array.from(await p.data()), name).toEqual(fixture.initial[name]);
    expect(Object.keys(await model.buffers())).toEqual(Object.keys(fixture.buffers));
  });

  it('load, parameters and buffers, and give the logits they gave', async () => {
    const model = new LanguageModel({ ...fixture.config, seed: fixture.config.seed + 1 }); // other initial weights: the load must replace every one
    model.loadStateDict(Object.fromEntries(Object.entries(fixture.parameters).map(([name, { shape, data }]) => [name, { shape, data: Float32Array.from(data) }])));
    model.loadBuffers(Object.fromEntries(Object.entries(fixture.buffers).map(([name, data]) => [name, Float32Array.from(data)])));
    expect(Object.fromEntries(Object.entries(await model.buffers()).map(([name, data]) => [name, Array.from(data)]))).toEqual(fixture.buffers);
    model.eval();
    const logits = await (await model.forward(Int32Array.from(fixture.ids), [2, 4])).data();
    // float32 rounding may differ in the last place with the kernels a process compiled before
    expect(maxAbsDiff(logits, Float32Array.from(fixture.logits))).toBeLessThan(1e-6);
  });
}, ['cpu']);
