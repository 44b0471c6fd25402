/**
 * The page: reads the settings form (preset by the URL's query, e.g. `?router=usmoe&steps=50`),
 * starts the training worker, and shows what it reports — progress, loss, tokens/s, expert load,
 * the routing map — then samples text and downloads the checkpoint. `document.body.dataset.state`
 * is idle → training → done (or error), for people and the browser test alike.
 */
import { TrainingCharts } from './charts.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { renderRoutingMap } from './routing-map.js';
import { steadyTokensPerSecond } from './steady-speed.js';
import type { StepRecord } from './training.js';
import { backends, defaultSettings, modelSizes, routers, validateSettings, type BackendChoice, type WebSettings } from './settings.js';

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = element<HTMLFormElement>('settings');
const sampleForm = element<HTMLFormElement>('sample-form');
const status = element<HTMLParagraphElement>('status');
const progress = element<HTMLProgressElement>('progress');
const buttons = { train: element<HTMLButtonElement>('train'), stop: element<HTMLButtonElement>('stop'), sample: element<HTMLButtonElement>('sample'), download: element<HTMLButtonElement>('download') };
const charts = new TrainingCharts({ loss: element('loss-chart'), speed: element('speed-chart'), load: element('load-chart') });

/** Why a backend cannot run on this page, or undefined when it can. */
function unavailable(backend: BackendChoice): string | undefined {
  if (backend === 'webasmThreads' && !crossOriginIsolated) return 'threads need a cross-origin isolated page (COOP/COEP headers, as `pnpm web` sends)';
  if (backend === 'webgpu' && !('gpu' in navigator)) return 'this browser has no WebGPU';
  return undefined;
}

function fillSelect(name: string, options: Record<string, string>, disabled: (key: string) => string | undefined = () => undefined): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  for (const [value, label] of Object.entries(options)) {
    const why = disabled(value);
    select.append(new Option(why ? `${label} (unavailable)` : label, value));
    if (why) select.options[select.options.length - 1].disabled = true;
  }
}

fillSelect('router', Object.fromEntries(Object.entries(routers).map(([k, v]) => [k, v.label])));
fillSelect('size', Object.fromEntries(Object.entries(modelSizes).map(([k, v]) => [k, v.label])));
fillSelect('backend', backends, (key) => unavailable(key as BackendChoice));
const notes = Object.keys(backends).flatMap((key) => (unavailable(key as BackendChoice) ? [`${backends[key as BackendChoice]}: ${unavailable(key as BackendChoice)}`] : []));
element('backend-note').textContent = notes.length ? `Unavailable here — ${notes.join('; ')}.` : '';

function readForm(): WebSettings {
  const value = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;
  return validateSettings({ router: value('router'), size: value('size'), backend: value('backend'), steps: Number(value('steps')), seed: Number(value('seed')) });
}

function writeForm(settings: WebSettings): void {
  for (const [name, value] of Object.entries(settings)) (form.elements.namedItem(name) as HTMLInputElement).value = String(value);
}

function fromQuery(): WebSettings {
  const query = new URLSearchParams(location.search);
  const given: Record<string, unknown> = { ...defaultSettings };
  given.backend = crossOriginIsolated ? 'webasmThreads' : 'webasm';
  for (const [key, value] of query) if (key !== 'autostart') given[key] = key === 'steps' || key === 'seed' ? Number(value) : value;
  return validateSettings(given);
}

function setState(state: 'idle' | 'training' | 'done' | 'error', text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  status.classList.toggle('error', state === 'error');
  buttons.train.disabled = state === 'training';
  buttons.stop.disabled = state !== 'training';
  buttons.sample.disabled = buttons.download.disabled = state !== 'done';
}

let worker: Worker | undefined;
let experts = 0;
let firstLoss: number | undefined;
let records: StepRecord[] = [];

function send(message: ToWorker): void {
  worker ??= startWorker();
  worker.postMessage(message);
}

function startWorker(): Worker {
  const created = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
  created.onerror = (event) => setState('error', `The training worker failed: ${event.message}`);
  return created;
}

function receive(message: FromWorker): void {
  switch (message.type) {
    case 'started':
      progress.max = message.steps;
      setState('training', `Training ${message.parameters.toLocaleString()} parameters on ${message.backend}…`);
      status.dataset.backend = message.backend;
      return;
    case 'step': {
      const r = message.record;
      firstLoss ??= r.loss;
      records.push(r);
      experts = r.load[0]?.length ?? 0;
      charts.add(r);
      progress.value = r.step;
      status.dataset.firstLoss = String(firstLoss);
      status.dataset.lastLoss = String(r.loss);
      status.textContent = `Step ${r.step} of ${progress.max} on ${status.dataset.backend}: loss ${r.loss.toFixed(3)} nats (${r.bitsPerByte.toFixed(2)} bits per byte), ${Math.round(r.tokensPerSecond).toLocaleString()} tokens/s`;
      return;
    }
    case 'routing':
      renderRoutingMap(element('routing-map'), message.map, message.step, experts);
      return;
    case 'done':
      status.dataset.tokensPerSecond = String(message.tokensPerSecond);
      if (message.stopRequestedAt !== undefined) status.dataset.stopRequestedAt = String(message.stopRequestedAt);
      status.dataset.steadyTokensPerSecond = String(steadyTokensPerSecond(records));
      setState('done', `${message.reason === 'stopped' ? 'Stopped' : 'Finished'} after ${message.step} steps in ${message.seconds.toFixed(1)} s on ${status.dataset.backend}: ${Math.round(message.tokensPerSecond).toLocaleString()} tokens/s on average, ${Math.round(steadyTokensPerSecond(records)).toLocaleString()} in the second half (median); loss ${Number(status.dataset.firstLoss).toFixed(3)} → ${Number(status.dataset.lastLoss).toFixed(3)} nats.`);
      return;
    case 'sample':
      element('sample-output').textContent = message.text;
      return;
    case 'checkpoint': {
      const url = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: message.fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return;
    }
    case 'error':
      setState('error', `Error: ${message.message}`);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  try {
    const settings = readForm();
    firstLoss = undefined;
    records = [];
    charts.reset();
    progress.value = 0;
    setState('training', 'Starting the worker and loading Moby Dick…');
    send({ type: 'train', settings });
  } catch (error) {
    setState('error', (error as Error).message);
  }
});
buttons.stop.addEventListener('click', () => send({ type: 'stop' }));
sampleForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = (name: string): string => (sampleForm.elements.namedItem(name) as HTMLInputElement).value;
  send({ type: 'sample', prompt: value('prompt'), length: Number(value('length')), temperature: Number(value('temperature')) });
});
buttons.download.addEventListener('click', () => send({ type: 'checkpoint' }));

try {
  writeForm(fromQuery());
  setState('idle', 'Pick a router, a model and a backend, and press Train.');
  if (new URLSearchParams(location.search).has('autostart')) form.requestSubmit();
} catch (error) {
  writeForm(defaultSettings);
  setState('error', `The link's settings are not valid: ${(error as Error).message}`);
}
