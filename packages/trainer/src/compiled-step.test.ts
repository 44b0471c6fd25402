// CompiledTrainStep: the eager step's outcome, compiled; and when the step's shapes change with
// the data every step (as with a data-dependent number of routed pairs), it stops compiling a
// plan per step and runs eagerly, saying why — with the same outcomes before and after.
import { beforeAll, describe, expect, it } from 'vitest';
import { isBackendAvailable, setBackend, tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff, testBackends } from '@smoe/tensor/testing';
import { AdamW } from './adamw.js';
import { changingLimit, CompiledTrainStep, firstBackoff, settlingSteps } from './compiled-step.js';
import { eagerStep, type StepInput, type StepOutcome } from './train-step.js';
import { TinyRegressor, type Batch } from '../test/tiny-model.js';

/** A batch of `rows` examples: every step has its own shapes, so every step is a new plan. */
function batch(rows: number): Batch {
  const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i * 0.7 + rows));
  const y = Float32Array.from({ length: rows * 2 }, (_, i) => Math.cos(i * 0.3 + rows));
  return { x: tensor(x, [rows, 4]), y: tensor(y, [rows, 2]) };
}

function side() {
  const model = new TinyRegressor({}, 3);
  const optimizer = new AdamW({ lr: 0.05 });
  const parameters = model.namedParameters();
  const input = (rows: number): StepInput<Batch> => ({ model, batches: [batch(rows)], optimizer, parameters, lr: 0.05, clipNorm: 1 });
  return { model, input };
}

describeEachBackend('CompiledTrainStep', () => {
  it('runs eagerly, saying why, once new shapes keep arriving, with the eager outcomes throughout', async () => {
    const eager = side();
    const compiled = side();
    const step = new CompiledTrainStep();
    const fallbackAt = settlingSteps + changingLimit; // steps run when the fallback is decided
    for (let s = 0; s < fallbackAt + 3; s++) {
      const want = (await eagerStep(eager.input(5 + s))) as Extract<StepOutcome, { status: 'updated' }>;
      const got = (await step.run(compiled.input(5 + s))) as Extract<StepOutcome, { status: 'updated' }>;
      expect(got.status).toBe('updated');
      expect(Math.abs(got.loss - want.loss), `loss at step ${s}`).toBeLessThan(1e-5);
      for (const [i, [name, p]] of compiled.model.namedParameters().entries()) {
        expect(maxAbsDiff(await p.data(), await eager.model.namedParameters()[i][1].data()), `${name} at step ${s}`).toBeLessThan(1e-5);
      }
      expect(step.fallbackReason === null, `compiled until step ${fallbackAt}`).toBe(s + 1 < fallbackAt);
    }
    expect(step.fallbackReason).toMatch(/kernel sequence changes with the data: 4 of the last 4 steps compiled a new plan.*the next 25 steps run eagerly, then compiled again/);
    expect(step.executorKind).toBe('eager');
    step.dispose();
  });

  it('backs off for firstBackoff eager steps, then runs compiled again (the next back-off twice as long), with the eager outcomes throughout', async () => {
    const eager = side();
    const compiled = side();
    const step = new CompiledTrainStep();
    const fallbackAt = settlingSteps + changingLimit;
    const resumeAt = fallbackAt + firstBackoff; // the first step compiled again
    const total = resumeAt + changingLimit;
    for (let s = 0; s < total; s++) {
      const want = (await eagerStep(eager.input(5 + s))) as Extract<StepOutcome, { status: 'updated' }>;
      const got = (await step.run(compiled.input(5 + s))) as Extract<StepOutcome, { status: 'updated' }>;
      expect(Math.abs(got.loss - want.loss), `loss at step ${s}`).toBeLessThan(1e-5);
      // run s leaves the step compiled (no reason) before the first back-off, on the back-off's last
      // eager run and after it, until changingLimit new plans in a row start the second back-off
      const compiledAfter = s + 1 < fallbackAt || (s + 1 >= resumeAt && s + 1 < resumeAt + changingLimit);
      expect(step.fallbackReason === null, `compiled after step ${s}`).toBe(compiledAfter);
      if (s === resumeAt) expect(step.executorKind, 'the step after the back-off ran compiled').not.toBe('eager');
    }
    expect(step.fallbackReason).toMatch(/the next 50 steps run eagerly/);
    for (const [i, [name, p]] of compiled.model.namedParameters().entries()) {
      expect(maxAbsDiff(await p.data(), await eager.model.namedParameters()[i][1].data()), name).toBeLessThan(1e-5);
    }
    step.dispose();
  });

  it('keeps compiling when the shapes stay the same', async () => {
    const compiled = side();
    const step = new CompiledTrainStep();
    for (let s = 0; s < settlingSteps + changingLimit + 3; s++) await step.run(compiled.input(6));
    expect(step.fallbackReason).toBeNull();
    expect(step.profile()).toEqual([]); // not asked for
    step.dispose();
  });
});

describe('CompiledTrainStep on webasm without threads', () => {
  beforeAll(async () => {
    if (await isBackendAvailable('webasm')) await setBackend('webasm', { threads: false });
  });

  it.runIf(testBackends.includes('webasm'))('profile: kernel time by op where the plan is walked on this thread (webasm without threads), the outcomes unchanged', async () => {
    const plain = side();
    const timed = side();
    const [a, b] = [new CompiledTrainStep(), new CompiledTrainStep({ profile: true })];
    for (let s = 0; s < 3; s++) {
      const want = (await a.run(plain.input(6))) as Extract<StepOutcome, { status: 'updated' }>;
      const got = (await b.run(timed.input(6))) as Extract<StepOutcome, { status: 'updated' }>;
      expect(got.loss).toBe(want.loss);
    }
    expect(b.executorKind).toBe('fused-sync');
    const table = b.profile();
    expect(table.length).toBeGreaterThan(0);
    for (const e of table) expect(e.calls % 3).toBe(0); // each op's calls, in each of the 3 steps
    a.dispose();
    b.dispose();
  });
});
