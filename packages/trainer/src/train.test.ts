import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { concat, noGrad, type Tensor } from '@smoe/tensor';
import { describeEachBackend } from '@smoe/tensor/testing';
import { AdamW, DivergenceError, loadCheckpoint, NonFiniteError, readMetrics, SGD, train, warmupCosine, type DataSource, type MetricsRecord, type NodeTrainOptions } from './node.js';
import { RegressionData, TinyRegressor, type Batch } from '../test/tiny-model.js';

let root: string;
let runs = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'smoe-train-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const folder = (): string => join(root, `run-${++runs}`);
const quiet = { progress: false, log: () => undefined } as const;

/** Metrics lines without the wall-clock fields, which no two runs share. */
function deterministic(records: MetricsRecord[]): MetricsRecord[] {
  return records.map(({ stepSeconds: _s, tokensPerSecond: _t, ...rest }) => rest as MetricsRecord);
}

async function parameterValues(model: TinyRegressor): Promise<number[][]> {
  return Promise.all(model.parameters().map(async (p) => Array.from(await p.data())));
}

/** A data source over a fixed list of batches. */
function listSource(batches: Batch[]): DataSource<Batch> {
  let i = 0;
  return { next: () => batches[i++], state: () => i, restore: (s) => void (i = s as number) };
}

describeEachBackend('train', () => {
  // Dropout on the global generator, accumulation, clipping, warm-up + cosine and AdamW: every
  // piece of state a resume must restore is in play.
  const options = (out: string, extra: Partial<NodeTrainOptions<Batch>> = {}): NodeTrainOptions<Batch> => ({
    optimizer: new AdamW({ lr: 0.05, weightDecay: 0.1 }),
    schedule: warmupCosine({ warmup: 2, total: 8, min: 0.1 }),
    steps: 8,
    gradientAccumulation: 2,
    clipNorm: 1,
    checkpointEvery: 2,
    seed: 3,
    out,
    ...quiet,
    ...extra,
  });

  it('a run stopped and resumed computes exactly what an uninterrupted run computes', async () => {
    const straight = folder();
    const reference = new TinyRegressor({ dropout: 0.25 });
    const summary = await train(reference, new RegressionData(), options(straight));
    expect(summary).toMatchObject({ step: 8, stopReason: 'completed' });
    const expected = deterministic(readMetrics(join(straight, 'metrics.jsonl')));
    expect(expected.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Killed after step 5 (its metrics line written, its checkpoint not): resume from step 4.
    const killed = folder();
    const kill = (r: { step: number }) => {
      if (r.step === 5) throw new Error('killed');
    };
    await expect(train(new TinyRegressor({ dropout: 0.25 }), new RegressionData(), options(killed, { onStep: kill }))).rejects.toThrow('killed');
    const resumedModel = new TinyRegressor({ dropout: 0.25 }, 42); // other initial weights: all must come from the checkpoint
    const resumed = await train(resumedModel, new RegressionData({ seed: 77 }), options(killed, { resume: true, seed: 1000 }));
    expect(resumed.resumedFrom?.step).toBe(4);
    expect(deterministic(readMetrics(join(killed, 'metrics.jsonl')))).toEqual(expected);
    expect(await parameterValues(resumedModel)).toEqual(await parameterValues(reference));

    // Stopped cleanly at step 4 (steps: 4), then continued to 8 from the latest checkpoint.
    const halves = folder();
    await train(new TinyRegressor({ dropout: 0.25 }), new RegressionData(), options(halves, { steps: 4 }));
    const second = new TinyRegressor({ dropout: 0.25 });
    await train(second, new RegressionData(), options(halves, { resume: true }));
    expect(deterministic(readMetrics(join(halves, 'metrics.jsonl')))).toEqual(expected);
    expect(await parameterValues(second)).toEqual(await parameterValues(reference));
  });

  it('gradient accumulation over micro-batches equals one big batch', async () => {
    const data = new RegressionData({ batch: 3 });
    const parts = [data.next(), data.next()];
    const big: Batch = { x: concat([parts[0].x, parts[1].x], 0), y: concat([parts[0].y, parts[1].y], 0) };
    const accumulated = new TinyRegressor();
    const whole = new TinyRegressor();
    const lossesA: number[] = [];
    const lossesB: number[] = [];
    await train(accumulated, listSource(parts), { optimizer: new SGD({ lr: 0.1 }), steps: 1, gradientAccumulation: 2, ...quiet, onStep: (r) => void lossesA.push(r.loss) });
    await train(whole, listSource([big]), { optimizer: new SGD({ lr: 0.1 }), steps: 1, ...quiet, onStep: (r) => void lossesB.push(r.loss) });
    expect(lossesA[0]).toBeCloseTo(lossesB[0], 6);
    const [a, b] = [await parameterValues(accumulated), await parameterValues(whole)];
    a.flat().forEach((v, i) => expect(v).toBeCloseTo(b.flat()[i], 6));
  });
});

it('writes metrics lines with loss, lr, gradient norm, tokens/s and the model metrics', async () => {
  const out = folder();
  const progressOutput: string[] = [];
  const summary = await train(new TinyRegressor(), new RegressionData(), {
    optimizer: { name: 'adamw', lr: 0.01 },
    schedule: { name: 'warmupLinear', warmup: 2, total: 4 },
    steps: 4,
    out,
    progress: false,
    log: (line) => void progressOutput.push(line),
  });
  expect(summary.tokens).toBe(16);
  const records = readMetrics(join(out, 'metrics.jsonl'));
  expect(records).toHaveLength(4);
  expect(records[0]).toMatchObject({ type: 'train', step: 1, lr: 0.005, tokens: 4, load: [0.25, 0.75] });
  for (const key of ['loss', 'gradNorm', 'tokensPerSecond', 'stepSeconds', 'meanAbsError']) expect(typeof records[0][key]).toBe('number');
  expect(records.map((r) => r.lr)).toEqual([0.005, 0.01, 0.005, 0]);
  expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({ optimizer: { name: 'adamw', lr: 0.01 }, steps: 4, modelConfig: { inputs: 4 } });
  expect(existsSync(join(out, 'checkpoints', 'step-00000004.safetensors'))).toBe(true);
});

it('stops early when the validation metric stops improving, keeping the best checkpoint', async () => {
  const out = folder();
  const scores = [5, 4, 4.5, 4.2, 3];
  let calls = 0;
  const summary = await train(new TinyRegressor(), new RegressionData(), {
    optimizer: new AdamW({ lr: 0.01 }),
    steps: 10,
    evalEvery: 1,
    evaluate: async (model) => {
      expect(model.training).toBe(false);
      return { loss: scores[calls++] };
    },
    earlyStopping: { metric: 'loss', mode: 'min', patience: 2 },
    out,
    ...quiet,
  });
  expect(summary).toMatchObject({ step: 4, stopReason: 'early-stopping', best: { metric: 'loss', value: 4, step: 2 }, lastEval: { loss: 4.2 } });
  expect(summary.bestCheckpoint).toBe(join(out, 'checkpoints', 'best.safetensors'));
  expect((await loadCheckpoint(summary.bestCheckpoint!, { model: new TinyRegressor() })).step).toBe(2);
  expect(readMetrics(join(out, 'metrics.jsonl')).filter((r) => r.type === 'eval').map((r) => r.loss)).toEqual([5, 4, 4.5, 4.2]);
  // Resuming a run that early stopping ended does nothing more.
  const again = await train(new TinyRegressor(), new RegressionData(), { optimizer: new AdamW({ lr: 0.01 }), steps: 10, evaluate: async () => ({ loss: 0 }), earlyStopping: { metric: 'loss', patience: 2 }, out, resume: true, ...quiet });
  expect(again).toMatchObject({ step: 4, stopReason: 'early-stopping' });

  await expect(
    train(new TinyRegressor(), new RegressionData(), { optimizer: new SGD(), steps: 2, evaluate: async () => ({ acc: 1 }), earlyStopping: { metric: 'loss', patience: 1 }, ...quiet }),
  ).rejects.toThrow(/evaluate\(\) returned no metric 'loss' \(it returned: acc\)/);
});

it('stops with a clear error when the loss becomes NaN, naming the step and the last good checkpoint', async () => {
  const out = folder();
  const model = new TinyRegressor();
  const run = train(model, new RegressionData({ nanAt: 3 }), { optimizer: new AdamW({ lr: 0.01 }), steps: 10, checkpointEvery: 1, out, ...quiet });
  const good = join(out, 'checkpoints', 'step-00000002.safetensors');
  await expect(run).rejects.toThrow(NonFiniteError);
  const error = (await run.catch((e: unknown) => e)) as NonFiniteError;
  expect(error.message).toMatch(/train: the loss is NaN at step 3; training stopped before updating the parameters\. The last good checkpoint is .*step-00000002\.safetensors; it is intact/);
  expect(error.step).toBe(3);
  expect(error.lastCheckpoint).toBe(good);
  const before = await parameterValues(model);
  const restored = new TinyRegressor({}, 5);
  expect((await loadCheckpoint(good, { model: restored, optimizer: new AdamW() })).step).toBe(2);
  expect(await parameterValues(restored)).toEqual(before);
  expect(readMetrics(join(out, 'metrics.jsonl')).at(-1)).toMatchObject({ type: 'error', step: 3 });
});

it('never overwrites a run folder silently', async () => {
  const out = folder();
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'metrics.jsonl'), '{"type":"train","step":1,"loss":9}\n');
  const base = { optimizer: new SGD(), steps: 1, out, ...quiet } as const;
  await expect(train(new TinyRegressor(), new RegressionData(), base)).rejects.toThrow(
    /run folder '.*' is not empty \(it holds metrics\.jsonl\); pass resume: true to continue it, overwrite: true to start it over, or choose another out/,
  );
  await expect(train(new TinyRegressor(), new RegressionData(), { ...base, resume: true, overwrite: true })).rejects.toThrow(/resume and overwrite cannot both be set/);
  await train(new TinyRegressor(), new RegressionData(), { ...base, overwrite: true });
  expect(readMetrics(join(out, 'metrics.jsonl')).map((r) => r.loss === 9)).toEqual([false]);
});

it('stops at a step boundary when aborted, saving a checkpoint, and counts tokens with tokensPerBatch', async () => {
  class Untokened extends TinyRegressor {
    override async loss(batch: Batch) {
      return { loss: (await super.loss(batch)).loss };
    }
  }
  const out = folder();
  const controller = new AbortController();
  const summary = await train(new Untokened(), new RegressionData(), {
    optimizer: new SGD(),
    steps: 10,
    out,
    tokensPerBatch: (b) => b.x.shape[0] * 10,
    onStep: (r) => {
      if (r.step === 2) controller.abort();
    },
    signal: controller.signal,
    ...quiet,
  });
  expect(summary).toMatchObject({ step: 2, stopReason: 'aborted', tokens: 80, checkpoint: join(out, 'checkpoints', 'step-00000002.safetensors') });
  expect(readMetrics(join(out, 'metrics.jsonl')).map((r) => r.tokens)).toEqual([40, 40]);
});

it('validates its options and ends cleanly when the data runs out', async () => {
  const model = new TinyRegressor();
  const data = new RegressionData();
  await expect(train(model, data, { optimizer: new SGD(), steps: 0, ...quiet })).rejects.toThrow(/train: steps = 0 is invalid; allowed: an integer >= 1/);
  await expect(train(model, data, { optimizer: new SGD(), steps: 1, clipnorm: 1, ...quiet } as never)).rejects.toThrow(/unknown option 'clipnorm'/);
  await expect(train(model, data, { optimizer: new SGD(), steps: 1, checkpointEvery: 1, ...quiet })).rejects.toThrow(/checkpointEvery needs out/);
  await expect(train(model, data, { optimizer: new SGD(), steps: 1, earlyStopping: { metric: 'loss', patience: 1 }, ...quiet })).rejects.toThrow(/earlyStopping needs evaluate/);
  const limited = new RegressionData({ limit: 3 });
  const summary = await train(model, limited.iterator(), { optimizer: new SGD(), steps: 10, ...quiet });
  expect(summary).toMatchObject({ step: 3, stopReason: 'data-exhausted' });
  class Unreduced extends TinyRegressor {
    override async loss(batch: Batch) {
      return { loss: batch.x as Tensor };
    }
  }
  await expect(train(new Unreduced(), data, { optimizer: new SGD(), steps: 1, ...quiet })).rejects.toThrow(/must resolve to \{ loss: a one-element Tensor, metrics\? \}, got a tensor of shape \[4, 4\]/);
});

it('tells a model that defines setProgress the updates done so far and the total', async () => {
  class Tracking extends TinyRegressor {
    seen: Array<[number, number]> = [];
    setProgress(step: number, total: number): void {
      this.seen.push([step, total]);
    }
  }
  const model = new Tracking();
  await train(model, new RegressionData(), { optimizer: new SGD({ lr: 0.01 }), steps: 3, ...quiet });
  expect(model.seen).toEqual([
    [0, 3],
    [1, 3],
    [2, 3],
  ]);
});

it('refuses to checkpoint parameters that turned non-finite, naming the tensor and the last good checkpoint', async () => {
  const out = folder();
  const model = new TinyRegressor();
  const poison = (r: { step: number }) => {
    if (r.step === 2) noGrad(() => model.layer.weight.assign(model.layer.weight.mul(Infinity)));
  };
  const run = train(model, new RegressionData(), { optimizer: new SGD({ lr: 0.01 }), steps: 4, checkpointEvery: 1, out, onStep: poison, ...quiet });
  await expect(run).rejects.toThrow(NonFiniteError);
  await expect(run).rejects.toThrow(/^train: after step 2, refusing to save a non-finite state: tensor 'layer\.weight' holds \d+ non-finite values \(NaN or ±Infinity\) of 8; nothing was saved\. The last good checkpoint is .*step-00000001\.safetensors; it is intact/);
  expect(existsSync(join(out, 'checkpoints', 'step-00000002.safetensors'))).toBe(false);
});

it('stops a diverging run (a far too high learning rate) with the last good checkpoint, or warns once when asked to', async () => {
  const out = folder();
  const options = { optimizer: new SGD({ lr: 5 }), steps: 40, seed: 1, ...quiet } as const;
  const run = train(new TinyRegressor(), new RegressionData(), { ...options, out, checkpointEvery: 1 });
  await expect(run).rejects.toThrow(DivergenceError);
  const error = (await run.catch((e: unknown) => e)) as DivergenceError;
  expect(error.message).toMatch(/^train: training diverged: the loss [\d.e+]+ at step \d+ is more than 4× its early value [\d.]+ \(the mean of the run's first \d+ updates?\); stopped before saving this state\. The last good checkpoint is .*; it is intact/);
  expect(error.step).toBeGreaterThan(1);
  expect(error.step).toBeLessThan(40);
  expect(error.lastCheckpoint).toBe(join(out, 'checkpoints', `step-${String(error.step - 1).padStart(8, '0')}.safetensors`));
  const records = readMetrics(join(out, 'metrics.jsonl'));
  expect(records.at(-1)).toMatchObject({ type: 'error', step: error.step });
  // The definition: step t's reference is the mean loss of the first min(t − 1, 10) updates;
  // the stopping step's loss is past 4× its reference, and no earlier step's was.
  const losses = records.filter((r) => r.type === 'train').map((r) => r.loss as number);
  const reference = (t: number) => losses.slice(0, Math.min(t - 1, 10)).reduce((a, b) => a + b) / Math.min(t - 1, 10);
  expect(losses[error.step - 1]).toBeGreaterThan(4 * reference(error.step));
  for (let t = 2; t < error.step; t++) expect(losses[t - 1]).toBeLessThanOrEqual(4 * reference(t));

  const lines: string[] = [];
  const warned = await train(new TinyRegressor(), new RegressionData(), { ...options, steps: error.step + 3, divergence: { action: 'warn' }, log: (l) => void lines.push(l) });
  expect(warned.step).toBe(error.step + 3);
  expect(lines.filter((l) => l.startsWith('warning: training is diverging: '))).toHaveLength(1);
  await expect(train(new TinyRegressor(), new RegressionData(), { ...options, divergence: { lossFactor: 0.5 } })).rejects.toThrow(/divergence: lossFactor = 0\.5 is invalid; allowed: a number in \(1, Infinity\]/);
});

it('passes progress options to the bar: plain lines on a given stream', async () => {
  const written: string[] = [];
  const stream = { isTTY: true, write: (text: string) => void written.push(text) };
  await train(new TinyRegressor(), new RegressionData(), { optimizer: new SGD({ lr: 0.01 }), steps: 4, log: () => undefined, progress: { tty: false, stream, every: 2 } });
  expect(written.map((line) => line.replace(/ loss.*/s, ''))).toEqual(['train 2/4  50%', 'train 4/4 100%']);
});
