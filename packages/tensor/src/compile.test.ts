/**
 * compile: the compiled step computes what the same step computes eagerly — loss, gradients,
 * updated parameters and optimizer state, step after step — with one plan for a fixed kernel
 * sequence, the fused executor on webasm, and a clear refusal of host reads.
 */
import { describe, expect, it } from 'vitest';
import { compile, getBackend, measureBackends, setBackend, isBackendAvailable, NotCompilableError, noGrad, Rng, scalar, Tensor, type Operand } from './index.js';
import { crossEntropy, dropout, embedding, gelu, indexSelect, layerNorm, matmul, topk, mapElementwise } from './index.js';
import { randn, ones, zeros, tensor } from './creation.js';
import { describeEachBackend, maxAbsDiff } from './testing.js';

const VOCAB = 32;
const WIDTH = 64;
const HIDDEN = 128;
const TOKENS = 256;

/** A small language-model-shaped network: embedding, layer norm, MLP, dropout, cross-entropy. */
function makeModel(seed: number) {
  const rng = new Rng(seed);
  const params = {
    embed: randn([VOCAB, WIDTH], 0.5, { rng, requiresGrad: true }),
    gain: ones([WIDTH], { requiresGrad: true }),
    bias: zeros([WIDTH], { requiresGrad: true }),
    up: randn([WIDTH, HIDDEN], 0.1, { rng, requiresGrad: true }),
    down: randn([HIDDEN, VOCAB], 0.1, { rng, requiresGrad: true }),
  };
  return { params, list: Object.values(params) };
}

/** Adam written with ordinary ops: moments as state, learning rate and bias corrections as host numbers. */
function makeAdam(params: Tensor[]) {
  const m = new Map<Tensor, Tensor>(params.map((p) => [p, zeros(p.shape)]));
  const v = new Map<Tensor, Tensor>(params.map((p) => [p, zeros(p.shape)]));
  let t = 0;
  return {
    state: () => [...m.values(), ...v.values()],
    step(lr: number) {
      t++;
      noGrad(() => {
        for (const p of params) {
          const g = p.grad!;
          const m1 = m.get(p)!.mul(0.9).add(g.mul(0.1));
          const v1 = v.get(p)!.mul(0.999).add(g.square().mul(0.001));
          m.set(p, m1);
          v.set(p, v1);
          const size: Operand = lr / (1 - 0.9 ** t);
          const direction = mapElementwise('test-adam', 'm / (Math.sqrt(v / c) + 1e-8)', [m1, v1, scalar(1 - 0.999 ** t)], p.shape, ['m', 'v', 'c']);
          p.assign(p.sub(direction.mul(size)));
        }
      });
    },
  };
}

function batch(step: number) {
  const draws = new Rng(100 + step).uniformArray(2 * TOKENS);
  const ids = Int32Array.from({ length: TOKENS }, (_, i) => Math.floor(draws[i] * VOCAB));
  const targets = Int32Array.from({ length: TOKENS }, (_, i) => Math.floor(draws[TOKENS + i] * VOCAB));
  return { ids: tensor(ids, [TOKENS], { dtype: 'int32' }), targets: tensor(targets, [TOKENS], { dtype: 'int32' }) };
}

function makeTrainer(seed: number) {
  const model = makeModel(seed);
  const adam = makeAdam(model.list);
  const dropoutRng = new Rng(7);
  const step = (ids: Tensor, targets: Tensor, lr: number) => {
    for (const p of model.list) p.grad = null;
    const { embed, gain, bias, up, down } = model.params;
    const h = layerNorm(embedding(embed, ids), gain, bias);
    const logits = matmul(dropout(gelu(matmul(h, up)), 0.1, { rng: dropoutRng }), down);
    const loss = crossEntropy(logits, targets);
    loss.backward();
    const grads = model.list.map((p) => p.grad!);
    adam.step(lr);
    return { loss, gradEmbed: grads[0], gradGain: grads[1], gradUp: grads[3], gradDown: grads[4] };
  };
  return { model, adam, step };
}

const tolerance = (backend: string) => (backend === 'webgpu' ? 2e-4 : 2e-5);

describeEachBackend('compile', (backend) => {
  it('gives the eager step’s loss, gradients, parameters and optimizer state, step after step, from one plan', async () => {
    const eager = makeTrainer(3);
    const compiled = makeTrainer(3);
    const step = compile(compiled.step, { state: () => [...compiled.model.list, ...compiled.adam.state()] });
    for (let s = 0; s < 3; s++) {
      const { ids, targets } = batch(s);
      const lr = 0.01 / (s + 1); // a schedule: new host numbers each step, same kernels
      const want = eager.step(ids, targets, lr);
      const got = await step.run(ids, targets, lr);
      for (const name of ['loss', 'gradEmbed', 'gradGain', 'gradUp', 'gradDown'] as const) {
        expect(maxAbsDiff(await got[name].data(), await want[name].data()), `${name} at step ${s}`).toBeLessThan(tolerance(backend));
      }
      for (let i = 0; i < eager.model.list.length; i++) {
        expect(maxAbsDiff(await compiled.model.list[i].data(), await eager.model.list[i].data()), `parameter ${i} at step ${s}`).toBeLessThan(tolerance(backend));
      }
      const [eagerState, compiledState] = [eager.adam.state(), compiled.adam.state()];
      for (let i = 0; i < eagerState.length; i++) {
        expect(maxAbsDiff(await compiledState[i].data(), await eagerState[i].data()), `moment ${i} at step ${s}`).toBeLessThan(tolerance(backend));
      }
    }
    expect(step.compilations).toBe(1);
    if (backend === 'webasm') {
      expect(step.fallbackReason).toBeNull();
      expect(step.executorKind).toBe(getBackend().async ? 'fused-threaded' : 'fused-sync');
    }
    if (backend === 'cpu') expect(step.executorKind).toBe('generic');
    step.dispose();
  });

  it('refuses a host read of a value computed inside the step, naming the op, and leaves the state as it was', async () => {
    const model = makeModel(5);
    const before = await model.params.up.data();
    const step = compile(
      async (x: Tensor) => {
        const h = matmul(x, model.params.up);
        model.params.up.assign(h.sum().mul(0).add(model.params.up));
        const best = await topk(h, 1).indices.data();
        return scalar(best[0]);
      },
      { state: () => model.list },
    );
    const error = await step.run(randn([4, WIDTH])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCompilableError);
    expect((error as NotCompilableError).message).toMatch(/t\.data\(\) on the result of 'topk.*' reads values on the host; it cannot be compiled/);
    expect(Array.from(await model.params.up.data())).toEqual(Array.from(before));
  });

  it('does not keep values the step neither returns nor lists in its state', async () => {
    const w = randn([8, 8], 1, { requiresGrad: true });
    const step = compile((x: Tensor) => {
      w.grad = null;
      const loss = matmul(x, w).square().sum();
      loss.backward();
      return { loss };
    });
    const { loss } = await step.run(randn([8, 8]));
    expect(Number.isFinite(await loss.item())).toBe(true);
    await expect(w.grad!.data()).rejects.toThrow(/inside a compiled step that did not keep it; return it from the step/);
    expect(() => w.grad!.add(1)).toThrow(/did not keep it/);
  });
});

describeEachBackend('compile with hostReads: split', (backend) => {
  it('runs a step with host decisions as parts, with the eager results and one plan per part', async () => {
    // routing-like host bookkeeping: the top expert of each row is read on the host and its rows
    // are gathered with host-made indices, as the MoE layers' dispatch does
    const make = () => {
      const rng = new Rng(11);
      const w = randn([WIDTH, 4], 0.3, { rng, requiresGrad: true });
      const v = randn([WIDTH, WIDTH], 0.1, { rng, requiresGrad: true });
      const step = async (x: Tensor) => {
        w.grad = null;
        v.grad = null;
        const scores = matmul(x, w);
        const top = (await topk(scores, 1).indices.data()) as Int32Array;
        const rows = Int32Array.from(top.keys()).filter((r) => top[r] % 2 === 0);
        const picked = indexSelect(matmul(x, v), 0, tensor(rows, [rows.length], { dtype: 'int32' }));
        const loss = picked.square().mean().add(scores.softmax().max());
        loss.backward();
        noGrad(() => {
          w.assign(w.sub(w.grad!.mul(0.1)));
          v.assign(v.sub(v.grad!.mul(0.1)));
        });
        return { loss, rows: rows.length };
      };
      return { w, v, step };
    };
    const eager = make();
    const compiled = make();
    const step = compile(compiled.step, { state: () => [compiled.w, compiled.v], hostReads: 'split' });
    let compilations = 0;
    for (let s = 0; s < 3; s++) {
      const x = randn([64, WIDTH], 1, { rng: new Rng(20 + s) });
      const want = await eager.step(x);
      const got = await step.run(x);
      expect(got.rows).toBe(want.rows);
      expect(maxAbsDiff(await got.loss.data(), await want.loss.data())).toBeLessThan(tolerance(backend));
      expect(maxAbsDiff(await compiled.w.data(), await eager.w.data())).toBeLessThan(tolerance(backend));
      expect(maxAbsDiff(await compiled.v.data(), await eager.v.data())).toBeLessThan(tolerance(backend));
      expect(step.parts).toBe(2);
      if (s === 0) compilations = step.compilations;
    }
    // the rows kept change with the data; where their count repeats, the plans are reused
    expect(step.compilations).toBeLessThanOrEqual(compilations + 4);
  });
});

describeEachBackend('compile with hostReads: split, what parts keep', (backend) => {
  it('two alike parts (one plan run twice in a step) give the eager results; on webasm, part outputs nobody read are not kept', async () => {
    const make = () => {
      const rng = new Rng(5);
      const w = randn([WIDTH, WIDTH], 0.2, { rng, requiresGrad: true });
      const kept: Tensor[] = [];
      const step = async (x: Tensor) => {
        w.grad = null;
        kept.length = 0;
        let h = x;
        // two identical layers, each ending in a host read: both parts record the same kernels
        for (let layer = 0; layer < 2; layer++) {
          const pre = matmul(h, w);
          kept.push(pre.tanh()); // computed in the part, read by nobody
          h = pre.relu();
          await h.sum().item();
        }
        const loss = h.square().mean();
        loss.backward();
        noGrad(() => w.assign(w.sub(w.grad!.mul(0.1))));
        return { loss, first: h };
      };
      return { w, step, kept };
    };
    const eager = make();
    const compiled = make();
    const step = compile(compiled.step, { state: () => [compiled.w], hostReads: 'split' });
    for (let s = 0; s < 2; s++) {
      const x = randn([16, WIDTH], 1, { rng: new Rng(30 + s) });
      const want = await eager.step(x);
      const got = await step.run(x);
      expect(step.parts).toBe(3);
      expect(maxAbsDiff(await got.loss.data(), await want.loss.data())).toBeLessThan(tolerance(backend));
      expect(maxAbsDiff(await got.first.data(), await want.first.data())).toBeLessThan(tolerance(backend));
      expect(maxAbsDiff(await compiled.w.data(), await eager.w.data())).toBeLessThan(tolerance(backend));
      // the first part's outputs were read out before its plan ran again for the second: its values, not the second's
      expect(maxAbsDiff(await compiled.kept[0].data(), await eager.kept[0].data())).toBeLessThan(tolerance(backend));
      if (backend === 'webasm') {
        // webasm reads a part's outputs out lazily: what nobody asked for is gone once the step ends
        await expect(compiled.kept[1].data()).rejects.toThrow(/did not keep it/);
      }
    }
  });
});

describe('compile outside a backend suite', () => {
  it('measures each backend eagerly and compiled for the automatic choice, fastest first', async () => {
    const timings = await measureBackends(['cpu']);
    expect(timings.map((t) => t.path).sort()).toEqual(['compiled', 'eager']);
    expect(timings[0].milliseconds).toBeLessThanOrEqual(timings[1].milliseconds);
  });

  it('rejects an invalid maxPlans', () => {
    expect(() => compile(() => scalar(1), { maxPlans: 0 })).toThrow(/maxPlans = 0 is invalid; allowed: an integer ≥ 1/);
    expect(() => compile(() => scalar(1), { profile: 'yes' as never })).toThrow(/profile = "yes" is invalid/);
  });

  it('profile: kernel time by op on webasm without threads, the same values as unprofiled, nothing where runs are not walked on this thread', async () => {
    if (!(await isBackendAvailable('webasm'))) return;
    const previous = getBackend();
    try {
      const losses: number[][] = [];
      for (const [threads, profile] of [[false, true], [false, false], [true, true]] as const) {
        await setBackend('webasm', { threads });
        const trainer = makeTrainer(3);
        const step = compile((ids: Tensor, targets: Tensor) => trainer.step(ids, targets, 1e-2), { state: () => [...trainer.model.list, ...trainer.adam.state()], profile });
        const seen: number[] = [];
        for (let i = 0; i < 2; i++) {
          const { ids, targets } = batch(i);
          seen.push(await (await step.run(ids, targets)).loss.item());
        }
        losses.push(seen);
        const table = step.profile();
        if (!threads && profile) {
          expect(step.executorKind).toBe('fused-sync');
          expect(table.length).toBeGreaterThan(3);
          expect(new Set(table.map((e) => e.op)).size).toBe(table.length); // one row per op
          for (const e of table) {
            expect(e.op.length).toBeGreaterThan(0);
            expect(e.kernel.length).toBeGreaterThan(0);
            expect(e.calls % 2).toBe(0); // every call of the op, in both runs
            expect(e.ms).toBeGreaterThanOrEqual(0);
          }
          expect(table.map((e) => e.ms)).toEqual([...table.map((e) => e.ms)].sort((a, b) => b - a)); // most expensive first
        } else {
          expect(table).toEqual([]);
        }
        step.dispose();
      }
      expect(losses[0]).toEqual(losses[1]); // timing changes no value
    } finally {
      await setBackend(previous.name, { threads: previous.async });
    }
  });
});
