import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRng, noGrad, Rng, seed, tensor } from '@smoe/tensor';
import { AdamW, CHECKSUM_KEY, decodeCheckpoint, decodeSafetensors, encodeSafetensors, fileStorage, NonFiniteTensorError, listCheckpoints, loadCheckpoint, readCheckpoint, saveCheckpoint, SGD, TrainerError, writeFileAtomic, type ChunkWriter } from './node.js';
import { RegressionData, TinyRegressor } from '../test/tiny-model.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoe-checkpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function parameterValues(model: TinyRegressor): Promise<number[][]> {
  return Promise.all(model.parameters().map(async (p) => Array.from(await p.data())));
}

/** A trained model + optimizer + data source, a few steps in. */
async function trainedState(steps = 2) {
  const model = new TinyRegressor();
  const optimizer = new AdamW({ lr: 0.05 });
  const data = new RegressionData();
  for (let i = 0; i < steps; i++) {
    const { loss } = await model.loss(data.next());
    loss.backward();
    optimizer.step(model.namedParameters());
    model.zeroGrad();
  }
  return { model, optimizer, data };
}

describe('checkpoints', () => {
  it('saves and restores model buffers (non-parameter state)', async () => {
    class WithBuffer extends TinyRegressor {
      running = new Float32Array([1, 2, 3]);
      override async buffers() {
        return { running: this.running.slice() };
      }
      override loadBuffers(state: Record<string, Float32Array>) {
        this.running = state.running.slice();
      }
    }
    const model = new WithBuffer();
    const path = join(dir, 'buffers.safetensors');
    await saveCheckpoint(path, { step: 1, model });
    expect((await readCheckpoint(path)).buffers.get('running')).toEqual(new Float32Array([1, 2, 3]));
    const other = new WithBuffer();
    other.running = new Float32Array(3);
    await loadCheckpoint(path, { model: other, rngs: false });
    expect(Array.from(other.running)).toEqual([1, 2, 3]);
  });

  it('save + load restores parameters, optimizer moments, generators and the data position exactly', async () => {
    const { model, optimizer, data } = await trainedState();
    seed(5);
    getRng().normal(); // leaves a spare normal in the state
    const extra = new Rng(11);
    extra.next();
    const path = join(dir, 'roundtrip.safetensors');
    await saveCheckpoint(path, { step: 2, model, optimizer, data, rngs: { extra }, trainer: { tokens: 8 } });
    const expectedGlobal = getRng().state();
    const expectedExtra = extra.state();
    const expectedBatch = await data.next().x.data();

    const model2 = new TinyRegressor({}, 7);
    const optimizer2 = new AdamW({ lr: 0.05 });
    const data2 = new RegressionData();
    const extra2 = new Rng(0);
    seed(123);
    const loaded = await loadCheckpoint(path, { model: model2, optimizer: optimizer2, data: data2, rngs: { extra: extra2 } });
    expect(loaded.step).toBe(2);
    expect(loaded.trainer).toEqual({ tokens: 8 });
    expect(loaded.modelConfig).toEqual(model.config);
    expect(await parameterValues(model2)).toEqual(await parameterValues(model));
    expect(getRng().state()).toEqual(expectedGlobal);
    expect(extra2.state()).toEqual(expectedExtra);
    expect(Array.from(await data2.next().x.data())).toEqual(Array.from(expectedBatch));
    const [s1, s2] = [optimizer.state(), optimizer2.state()];
    expect(s2.meta).toEqual(s1.meta);
    for (const key of Object.keys(s1.tensors)) expect(Array.from(await s2.tensors[key].data())).toEqual(Array.from(await s1.tensors[key].data()));
    // The file is plain safetensors: moments are tensors named optimizer.<slot>.<param>.
    const decoded = decodeCheckpoint(await readFile(path));
    expect([...decoded.parameters.keys()]).toEqual(['layer.weight', 'layer.bias']);
    expect([...decoded.optimizer!.tensors.keys()].sort()).toEqual(['m.layer.bias', 'm.layer.weight', 'v.layer.bias', 'v.layer.weight']);
    expect(decoded.metadata.format).toBe('smoe-checkpoint/1');
  });

  it('refuses a checkpoint that does not match the model, changing nothing', async () => {
    const { model, optimizer } = await trainedState(1);
    const path = join(dir, 'mismatch.safetensors');
    await saveCheckpoint(path, { step: 1, model, optimizer });
    const other = new TinyRegressor({ outputs: 3 });
    const before = await parameterValues(other);
    await expect(loadCheckpoint(path, { model: other })).rejects.toThrow(/mismatch\.safetensors: was written for a model with config\.outputs = 2; this model has config\.outputs = 3/);
    await expect(loadCheckpoint(path, { model: other, checkConfig: false })).rejects.toThrow(/parameter 'layer\.weight' has shape \[4, 2\] in the checkpoint, \[4, 3\] in the model/);
    expect(await parameterValues(other)).toEqual(before);
    const renamed = new TinyRegressor();
    (renamed as unknown as { head: unknown }).head = renamed.layer;
    (renamed as unknown as { layer: unknown }).layer = undefined;
    await expect(loadCheckpoint(path, { model: renamed })).rejects.toThrow(/missing from the checkpoint: 'head\.weight', 'head\.bias'; not in the model: 'layer\.weight', 'layer\.bias'/);
    await expect(loadCheckpoint(path, { model: new TinyRegressor(), optimizer: new SGD() })).rejects.toThrow(/holds the state of optimizer 'adamw', not 'sgd'/);
    await expect(loadCheckpoint(join(dir, 'absent.safetensors'), { model })).rejects.toThrow(/no checkpoint at '.*absent\.safetensors'/);
  });

  it('a crash in the middle of a save leaves the previous checkpoint intact', async () => {
    const { model, optimizer } = await trainedState(1);
    const path = join(dir, 'crash', 'step.safetensors');
    await rm(join(dir, 'crash'), { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(join(dir, 'crash'));
    await saveCheckpoint(path, { step: 1, model, optimizer });
    const good = await readFile(path);
    const goodValues = await parameterValues(model);

    // Change the model, then save again with a writer that dies half-way through the file.
    const { model: changed, optimizer: changedOptimizer } = await trainedState(3);
    let written = 0;
    const dying: ChunkWriter = async (handle, chunk, position) => {
      const half = Math.floor(good.length / 2);
      if (written + chunk.length > half) {
        await handle.write(chunk, 0, half - written, position);
        throw new Error('simulated crash');
      }
      await handle.write(chunk, 0, chunk.length, position);
      written += chunk.length;
    };
    await expect(saveCheckpoint(path, { step: 3, model: changed, optimizer: changedOptimizer }, { writeChunk: dying, chunkSize: 64 })).rejects.toThrow(
      /writing '.*step\.safetensors' failed \(simulated crash\); any previous file at that path is untouched/,
    );
    expect(Buffer.compare(await readFile(path), good)).toBe(0);
    expect(await readdir(join(dir, 'crash'))).toEqual(['step.safetensors']); // the temporary file is gone
    const restored = new TinyRegressor({}, 9);
    expect((await loadCheckpoint(path, { model: restored, optimizer: new AdamW({ lr: 0.05 }) })).step).toBe(1);
    expect(await parameterValues(restored)).toEqual(goodValues);

    // A kill (no cleanup) leaves a temporary file next to the checkpoints: it is ignored.
    const run = join(dir, 'killed');
    await (await import('node:fs/promises')).mkdir(join(run, 'checkpoints'), { recursive: true });
    await writeFile(join(run, 'checkpoints', 'step-00000002.safetensors'), good);
    await writeFile(join(run, 'checkpoints', 'step-00000004.safetensors.tmp-123-abcdef'), good.subarray(0, 100));
    expect((await listCheckpoints(fileStorage(run))).map((c) => c.step)).toEqual([2]);
  });

  it('reports truncated and corrupted checkpoint files clearly', async () => {
    const { model, optimizer } = await trainedState(1);
    const path = join(dir, 'good.safetensors');
    await saveCheckpoint(path, { step: 1, model, optimizer });
    const bytes = await readFile(path);
    const truncated = join(dir, 'truncated.safetensors');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 20));
    await expect(readCheckpoint(truncated)).rejects.toThrow(/truncated\.safetensors: tensor '.*' ends at byte \d+ of the data section, which holds only \d+ bytes; the file is truncated/);
    const empty = join(dir, 'empty.safetensors');
    await writeFile(empty, new Uint8Array(0));
    await expect(readCheckpoint(empty)).rejects.toThrow(/empty\.safetensors: the file is 0 bytes long/);
    const corrupted = join(dir, 'corrupted.safetensors');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 7] ^= 0xff;
    await writeFile(corrupted, flipped);
    await expect(loadCheckpoint(corrupted, { model })).rejects.toThrow(TrainerError);
    await expect(loadCheckpoint(corrupted, { model })).rejects.toThrow(/corrupted\.safetensors: checksum mismatch .* the file is corrupted/);
    const foreign = join(dir, 'foreign.safetensors');
    const { encodeSafetensors } = await import('./index.js');
    await writeFile(foreign, encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } }));
    await expect(readCheckpoint(foreign)).rejects.toThrow(/not an smoe checkpoint/);
  });

  it('atomic writes replace the file in one step', async () => {
    const path = join(dir, 'atomic.bin');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    await writeFileAtomic(path, Uint8Array.of(4, 5));
    expect(Array.from(await readFile(path))).toEqual([4, 5]);
    expect(tensor([1]).size).toBe(1);
  });
});

describe('non-finite values', () => {
  /** The bytes of `path` with `count` values of tensor `name` replaced by `value`, re-encoded with a valid checksum. */
  async function crafted(path: string, name: string, count: number, value: number): Promise<Uint8Array> {
    const { tensors, metadata } = decodeSafetensors(await readFile(path));
    const data = tensors.get(name)!.data as Float32Array;
    for (let i = 0; i < count; i++) data[i] = value;
    const { [CHECKSUM_KEY]: _, ...rest } = metadata;
    return encodeSafetensors(tensors, rest);
  }

  it('are refused on load, naming the tensor and counting the bad values, before anything changes', async () => {
    const { model, optimizer } = await trainedState(1);
    const good = join(dir, 'finite.safetensors');
    await saveCheckpoint(good, { step: 1, model, optimizer });
    for (const [tensor, count, value] of [['layer.weight', 3, NaN], ['optimizer.v.layer.bias', 1, Infinity]] as const) {
      const path = join(dir, `nonfinite-${count}.safetensors`);
      await writeFile(path, await crafted(good, tensor, count, value));
      const target = new TinyRegressor({}, 4);
      const before = await parameterValues(target);
      const failure = loadCheckpoint(path, { model: target, optimizer: new AdamW() });
      await expect(failure).rejects.toThrow(NonFiniteTensorError);
      await expect(failure).rejects.toThrow(`${path}: tensor '${tensor}' holds ${count} non-finite value${count === 1 ? '' : 's'} (NaN or ±Infinity) of ${tensor.endsWith('weight') ? 8 : 2}; this checkpoint cannot be used, load an earlier one`);
      expect(await parameterValues(target)).toEqual(before);
    }
  });

  it('are never saved: the previous checkpoint stays as it was', async () => {
    const { model, optimizer } = await trainedState(1);
    const path = join(dir, 'kept.safetensors');
    await saveCheckpoint(path, { step: 1, model, optimizer });
    const before = await readFile(path);
    noGrad(() => model.layer.bias.assign(tensor([NaN, -Infinity])));
    const failure = saveCheckpoint(path, { step: 2, model, optimizer });
    await expect(failure).rejects.toThrow("encodeCheckpoint: refusing to save a non-finite state: tensor 'layer.bias' holds 2 non-finite values (NaN or ±Infinity) of 2");
    expect(Buffer.compare(await readFile(path), before)).toBe(0);
  });
});
