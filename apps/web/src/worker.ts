/**
 * The training worker: runs a `TrainingRun` step by step and posts every step's record, a
 * routing map every `ROUTING_EVERY` steps and at the end, samples and checkpoints on request.
 * It yields to its event loop between steps so that a stop request lands within one step;
 * samples and checkpoints are taken after the run (the page offers them once it has stopped).
 */
import { mobyDick } from '@smoe/datasets';
import type { FromWorker, ToWorker } from './protocol.js';
import { validateSettings } from './settings.js';
import { TrainingRun, useBackend } from './training.js';

/** Steps between two routing maps while training. */
const ROUTING_EVERY = 10;
/** Where the routing map's sample starts in the validation text (chapter 5, past its heading). */
const SAMPLE_OFFSET = 1000;

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

let run: TrainingRun | undefined;
let stopping = false;
/** The steps done when the stop request arrived (the run ends with the step then in flight). */
let stopRequestedAt: number | undefined;
let sampleText = '';
// requests are handled one at a time, in order, between training steps
let queue: Promise<void> = Promise.resolve();

async function train(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const settings = validateSettings(message.settings);
  const backend = await useBackend(settings.backend);
  sampleText = mobyDick('validation').slice(SAMPLE_OFFSET);
  run = new TrainingRun(settings);
  stopping = false;
  stopRequestedAt = undefined;
  post({ type: 'started', backend, parameters: run.model.parameterCount(), steps: run.steps, sampleText: sampleText.slice(0, 200) });
  const started = performance.now();
  while (run.step < run.steps && !stopping) {
    post({ type: 'step', record: await run.trainStep() });
    if (run.step % ROUTING_EVERY === 0 || run.step === run.steps) post({ type: 'routing', step: run.step, map: await run.routingMap(sampleText) });
    await nextTask();
  }
  // a stopped run ends with the map of the model it leaves
  if (run.step % ROUTING_EVERY !== 0 && run.step !== run.steps) post({ type: 'routing', step: run.step, map: await run.routingMap(sampleText) });
  const seconds = (performance.now() - started) / 1000;
  post({ type: 'done', reason: stopping ? 'stopped' : 'finished', step: run.step, stopRequestedAt, seconds, tokensPerSecond: (run.step * run.tokensPerStep) / seconds });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'train':
      return train(message);
    case 'sample':
      if (!run) throw new Error('sample: train a model first');
      post({ type: 'sample', text: await run.sample(message.prompt, message.length, message.temperature, run.step + 1) });
      return;
    case 'checkpoint': {
      if (!run) throw new Error('checkpoint: train a model first');
      const bytes = await run.checkpoint();
      post({ type: 'checkpoint', bytes, fileName: `smoe-${run.settings.router}-${run.settings.size}-step${run.step}.safetensors` }, [bytes.buffer]);
      return;
    }
    case 'stop':
      stopRequestedAt ??= run?.step;
      stopping = true;
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  const fail = (error: unknown): void => post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  // stop must not wait behind the training loop it ends; the rest run in order, after it
  if (message.type === 'stop') void handle(message).catch(fail);
  else queue = queue.then(() => handle(message)).catch(fail);
};
