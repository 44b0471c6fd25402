// Module: parameters found by walking properties (nested modules, arrays, maps), state dicts
// that reject missing, unexpected and mis-shaped names, and train / eval. Host-side
// bookkeeping, so no backend loop.
import { describe, expect, it } from 'vitest';
import { init, Module, ones, parameter, Rng, tensor, zeros, type Tensor } from './index.js';

class Linear extends Module {
  weight: Tensor;
  bias: Tensor;
  constructor(fanIn: number, fanOut: number, seed: number) {
    super();
    this.weight = init.xavier([fanIn, fanOut], { rng: new Rng(seed) });
    this.bias = init.zeros([fanOut]);
  }
}

class Block extends Module {
  attention: Linear;
  mlp: Linear[];
  norm: Tensor;
  /** A buffer: a tensor that does not require grad is not a parameter. */
  positions: Tensor;
  /** A computed tensor (it has a graph node) is not a parameter either. */
  derived: Tensor;
  constructor(seed: number) {
    super();
    this.attention = new Linear(4, 4, seed);
    this.mlp = [new Linear(4, 8, seed + 1), new Linear(8, 4, seed + 2)];
    this.norm = init.ones([4]);
    this.positions = zeros([4]);
    this.derived = this.norm.mul(2);
  }
}

class Model extends Module {
  embed: Tensor;
  blocks: Block[];
  experts: Map<string, Linear>;
  /** The same module reachable twice: its parameters are listed once, under the first path. */
  tied: Linear;
  label = 'not a tensor';
  constructor(seed = 0) {
    super();
    this.embed = init.normal([10, 4], 0.02, { rng: new Rng(seed) });
    this.blocks = [new Block(seed + 10), new Block(seed + 20)];
    this.experts = new Map([
      ['a', new Linear(4, 2, seed + 30)],
      ['b', new Linear(4, 2, seed + 31)],
    ]);
    this.tied = this.blocks[0].attention;
  }
}

const blockNames = (i: number): string[] => [
  `blocks.${i}.attention.weight`,
  `blocks.${i}.attention.bias`,
  `blocks.${i}.mlp.0.weight`,
  `blocks.${i}.mlp.0.bias`,
  `blocks.${i}.mlp.1.weight`,
  `blocks.${i}.mlp.1.bias`,
  `blocks.${i}.norm`,
];
const expectedNames = ['embed', ...blockNames(0), ...blockNames(1), 'experts.a.weight', 'experts.a.bias', 'experts.b.weight', 'experts.b.bias'];

async function snapshot(model: Module): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, p] of model.namedParameters()) out[name] = Array.from(await p.data());
  return out;
}

describe('Module', () => {
  it('namedParameters finds nested modules, arrays and maps, by property path', () => {
    const model = new Model();
    const names = model.namedParameters().map(([name]) => name);
    expect(names).toEqual(expectedNames);
    // Parameters are leaves that require grad.
    for (const [, p] of model.namedParameters()) {
      expect(p.requiresGrad).toBe(true);
      expect(p.node).toBeUndefined();
    }
    expect(model.parameters()).toHaveLength(expectedNames.length);
    expect(model.parameters()[7]).toBe(model.blocks[0].norm);
  });

  it('a module reached twice is listed once; buffers and computed tensors are not parameters', () => {
    const model = new Model();
    const names = model.namedParameters().map(([name]) => name);
    expect(names.some((n) => n.startsWith('tied'))).toBe(false);
    expect(names.some((n) => n.includes('positions') || n.includes('derived'))).toBe(false);
  });

  it('namedModules lists every sub-module, the root as ""', () => {
    const model = new Model();
    const paths = model.namedModules().map(([path]) => path);
    expect(paths).toEqual(['', 'blocks.0', 'blocks.0.attention', 'blocks.0.mlp.0', 'blocks.0.mlp.1', 'blocks.1', 'blocks.1.attention', 'blocks.1.mlp.0', 'blocks.1.mlp.1', 'experts.a', 'experts.b']);
  });

  it('a module that lists its own fields names and orders its parameters by that list', () => {
    // A part moved into a sub-module (`part`) whose parameters keep the names and places they
    // had as the parent's own fields: first, then part.weight as 'moved', last, then part.bias.
    class Part extends Module {
      weight = init.ones([2]);
      bias = init.zeros([2]);
    }
    class Parent extends Module {
      first = init.ones([1]);
      last = init.ones([3]);
      part = new Part();
      override namedFields(): Array<[string, unknown]> {
        return [['first', this.first], ['moved', this.part.weight], ['last', this.last], ['bias', this.part.bias]];
      }
    }
    const parent = new Parent();
    expect(parent.namedParameters().map(([name]) => name)).toEqual(['first', 'moved', 'last', 'bias']);
    expect(parent.parameters()[1]).toBe(parent.part.weight);
    expect(new Part().namedFields().map(([name]) => name)).toEqual(['weight', 'bias']);
  });

  it('parameterCount counts scalars', () => {
    const model = new Model();
    const perBlock = (16 + 4) + (32 + 8) + (32 + 4) + 4;
    expect(model.parameterCount()).toBe(40 + 2 * perBlock + 2 * (8 + 2));
  });

  it('train / eval reach every sub-module, inside arrays and maps', () => {
    const model = new Model().eval();
    for (const [, m] of model.namedModules()) expect(m.training).toBe(false);
    model.train();
    for (const [, m] of model.namedModules()) expect(m.training).toBe(true);
  });

  it('zeroGrad clears every gradient', () => {
    const model = new Model();
    model.embed.sum().add(model.blocks[1].norm.sum()).backward();
    expect(model.embed.grad).not.toBeNull();
    model.zeroGrad();
    for (const p of model.parameters()) expect(p.grad).toBeNull();
  });

  it('stateDict → loadStateDict copies every value and keeps parameter identity', async () => {
    const source = new Model(1);
    const target = new Model(2);
    const before = target.parameters();
    expect(await snapshot(target)).not.toEqual(await snapshot(source));
    const state = source.stateDict();
    expect(Object.keys(state)).toEqual(expectedNames);
    for (const t of Object.values(state)) expect(t.requiresGrad).toBe(false);
    target.loadStateDict(state);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    target.parameters().forEach((p, i) => expect(p).toBe(before[i]));
  });

  it('loadStateDict accepts raw { shape, data } entries', async () => {
    const model = new Model();
    const raw: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
    for (const [name, p] of model.namedParameters()) raw[name] = { shape: p.shape, data: new Float32Array(p.size).fill(0.5) };
    model.loadStateDict(raw);
    for (const values of Object.values(await snapshot(model))) expect(values.every((v) => v === 0.5)).toBe(true);
  });

  it('loadStateDict rejects missing names', () => {
    const model = new Model();
    const state = model.stateDict();
    delete state['blocks.1.norm'];
    expect(() => model.loadStateDict(state)).toThrow(/loadStateDict: names do not match the model; missing: blocks\.1\.norm$/);
  });

  it('loadStateDict rejects unexpected names, and lists both kinds together', () => {
    const model = new Model();
    const state = { ...model.stateDict(), 'blocks.2.norm': ones([4]) };
    expect(() => model.loadStateDict(state)).toThrow(/loadStateDict: names do not match the model; unexpected: blocks\.2\.norm/);
    delete (state as Record<string, Tensor>).embed;
    expect(() => model.loadStateDict(state)).toThrow(/missing: embed; unexpected: blocks\.2\.norm/);
  });

  it('loadStateDict shortens long lists of names', () => {
    const model = new Model();
    expect(() => model.loadStateDict({})).toThrow(/missing: embed, blocks\.0\.attention\.weight, blocks\.0\.attention\.bias, blocks\.0\.mlp\.0\.weight, blocks\.0\.mlp\.0\.bias, …/);
  });

  it('loadStateDict rejects mis-shaped entries, naming the parameter and both shapes', () => {
    const model = new Model();
    const state = { ...model.stateDict(), embed: zeros([4, 10]) };
    expect(() => model.loadStateDict(state)).toThrow(/loadStateDict: 'embed' has shape \[4, 10\], the model expects \[10, 4\]/);
    const raw = { ...model.stateDict(), 'experts.b.bias': { shape: [3], data: new Float32Array(3) } };
    expect(() => model.loadStateDict(raw)).toThrow(/loadStateDict: 'experts\.b\.bias' has shape \[3\], the model expects \[2\]/);
  });

  // Regression: every entry is validated before any is assigned.
  it('a rejected loadStateDict leaves the model unchanged', async () => {
    const model = new Model(3);
    const before = await snapshot(model);
    const state = { ...new Model(4).stateDict(), 'experts.b.bias': zeros([3]) };
    expect(() => model.loadStateDict(state)).toThrow(/experts\.b\.bias/);
    expect(await snapshot(model)).toEqual(before);
  });

  it('assign rejects computed tensors and wrong shapes', () => {
    const p = parameter(zeros([2, 3]), 'w');
    expect(p.name).toBe('w');
    expect(() => p.assign(zeros([3, 2]))).toThrow(/assign: shape \[3, 2\] does not match \[2, 3\] of 'w'/);
    expect(() => p.mul(2).assign(zeros([2, 3]))).toThrow(/assign: only leaf tensors/);
  });

  it('init: xavier scale, normal std, ones and zeros', async () => {
    const w = init.xavier([64, 32], { rng: new Rng(1) });
    const values = Array.from(await w.data());
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.9 * Math.sqrt(2 / 96));
    expect(std).toBeLessThan(1.1 * Math.sqrt(2 / 96));
    const n = init.normal([2000], 0.02, { rng: new Rng(2) });
    const nv = Array.from(await n.data());
    expect(Math.sqrt(nv.reduce((s, v) => s + v * v, 0) / nv.length)).toBeCloseTo(0.02, 2);
    const o = init.ones([3]);
    expect(Array.from(await o.data())).toEqual([1, 1, 1]);
    expect(o.requiresGrad).toBe(true);
    expect(o.node).toBeUndefined();
    expect(Array.from(await init.zeros([2]).data())).toEqual([0, 0]);
    expect(tensor([1]).requiresGrad).toBe(false);
  });
});
