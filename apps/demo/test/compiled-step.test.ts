/**
 * The compiled training step against the eager one on the demo's language model, for the
 * router families (token choice, expert choice, USMoE, VQMoE, plus a dense model): from the
 * same weights and batches, the same loss, gradient norm, updated parameters and optimizer
 * moments, step after step, on every backend — and on webasm the plans really run fused.
 */
import { it, expect } from 'vitest';
import { getBackend, seed, type Tensor } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { LanguageModel } from '@smoe/moe';
import { AdamW, CompiledTrainStep, eagerStep, type StepInput, type StepOutcome } from '@smoe/trainer';
import { buildSettings, defaultSettings } from '../src/settings.js';
import { languageModelConfig, lmTrainingData } from '../src/tasks.js';

const routers = ['tokenChoice', 'expertChoice', 'usmoe', 'vqmoe', 'dense'];
/**
 * Routers whose kernel sequence is fixed by the shapes alone. Expert choice and USMoE keep a
 * data-dependent number of pairs (causal per-token thresholds); inside a compiled step their
 * plans are padded to a multiple of tokens / 4 rows, so a new bucket of pair counts is a new
 * plan, compiled once and reused when it recurs (packages/moe/src/compiled_routing.test.ts).
 */
const fixedPlans = new Set(['tokenChoice', 'vqmoe', 'dense']);

function side(router: string) {
  const settings = { ...buildSettings({ router } as never, defaultSettings), batch: 2, context: 16, layers: 1, modelDim: 16, heads: 2, ffDim: 32, experts: 4 };
  seed(settings.seed);
  const model = new LanguageModel(languageModelConfig(settings));
  model.train();
  const data = lmTrainingData(settings);
  const optimizer = new AdamW({ lr: 3e-3, weightDecay: 0.01 });
  const parameters = model.namedParameters();
  const input = (): StepInput<never> => ({ model: model as never, batches: [(data.next() as IteratorResult<never, never>).value], optimizer, parameters, lr: 3e-3, clipNorm: 1 });
  return { model, optimizer, parameters, input };
}

async function values(tensors: Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
}

describeEachBackend('compiled training step', (backend) => {
  const tolerance = backend === 'webgpu' ? 2e-3 : 1e-4;
  for (const router of routers) {
    it(`gives the eager step's loss, gradient norm, parameters and moments (${router})`, async () => {
      const eager = side(router);
      const compiled = side(router);
      const step = new CompiledTrainStep();
      for (let s = 0; s < 2; s++) {
        const want = (await eagerStep(eager.input())) as Extract<StepOutcome, { status: 'updated' }>;
        const got = (await step.run(compiled.input())) as Extract<StepOutcome, { status: 'updated' }>;
        expect(got.status).toBe('updated');
        expect(Math.abs(got.loss - want.loss), `loss at step ${s}`).toBeLessThan(tolerance);
        expect(Math.abs(got.gradNorm - want.gradNorm) / want.gradNorm, `gradient norm at step ${s}`).toBeLessThan(tolerance);
        const [a, b] = [await values(compiled.parameters.map(([, p]) => p)), await values(eager.parameters.map(([, p]) => p))];
        a.forEach((v, i) => expect(maxAbsDiff(v, b[i]), `${compiled.parameters[i][0]} at step ${s}`).toBeLessThan(tolerance));
        const [m, n] = [Object.values(compiled.optimizer.state().tensors), Object.values(eager.optimizer.state().tensors)];
        const [mv, nv] = [await values(m), await values(n)];
        mv.forEach((v, i) => expect(maxAbsDiff(v, nv[i]), `moment ${i} at step ${s}`).toBeLessThan(tolerance));
      }
      expect(step.fallbackReason).toBeNull();
      if (backend === 'webasm') expect(step.executorKind).toBe(getBackend().async ? 'fused-threaded' : 'fused-sync');
      if (fixedPlans.has(router)) {
        // fixed shapes: after the first step every part reuses its plan
        const compilations = step.compilations;
        await step.run(compiled.input());
        expect(step.compilations).toBe(compilations);
      }
      step.dispose();
    }, 300_000);
  }
});
