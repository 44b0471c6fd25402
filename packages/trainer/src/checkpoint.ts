/**
 * Checkpoints as safetensors files: everything a run needs to continue exactly where it stopped.
 *
 *   tensors    the model's parameters under their paths (`blocks.0.attention.query`), and the
 *              optimizer's state tensors as `optimizer.<slot>.<path>` (`optimizer.m.blocks.0…`)
 *   metadata   format   'smoe-checkpoint/1'
 *              step     updates done
 *              model_config, optimizer (kind, hyperparameters, per-parameter step counts),
 *              schedule, rng (generator states), data (the data iterator's position),
 *              trainer (early-stopping and counters): each a JSON string
 *
 * Loading validates before it changes anything: format, model config (naming the first field
 * that differs), parameter names (missing and unexpected) and shapes. Browser-safe: this file
 * turns state into bytes and back; checkpoint-file.ts does the file I/O.
 */
import { formatShape, Rng, Tensor, type Module, type RngState } from '@smoe/tensor';
import { firstDifference, toJson } from './json.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { captureRngs, restoreRngs } from './rng-state.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import type { Schedule, ScheduleConfig } from './schedule.js';
import type { DataSource } from './types.js';
import { TrainerError, checkInteger, describeValue } from './validate.js';

/** The value of the `format` metadata key. */
export const CHECKPOINT_FORMAT = 'smoe-checkpoint/1';
const OPTIMIZER_PREFIX = 'optimizer.';
const BUFFER_PREFIX = 'buffers.';

/** A model as checkpoints see it: parameters and a JSON config. */
export type CheckpointModel = Module & { config: unknown };

/** What goes into a checkpoint. */
export interface CheckpointState {
  /** Updates done. */
  step: number;
  /** The model: its parameters and config are stored. */
  model: CheckpointModel;
  /** Optimizer state (moments, step counts). */
  optimizer?: Optimizer;
  /** Schedule config (informational: schedules are pure functions of the step). */
  schedule?: ScheduleConfig;
  /** Generator states by name (see rng-state.ts). */
  rng?: Record<string, RngState>;
  /** The data iterator's position (`data.state()`). */
  data?: unknown;
  /** Trainer state: early stopping, counters. */
  trainer?: Record<string, unknown>;
}

/** A decoded checkpoint, not yet applied to anything. */
export interface DecodedCheckpoint {
  step: number;
  modelConfig: unknown;
  /** Model parameters by path. */
  parameters: Map<string, { shape: readonly number[]; data: Float32Array }>;
  /** Model buffers (non-parameter state, `Module.buffers()`) by name. */
  buffers: Map<string, Float32Array>;
  optimizer?: { meta: OptimizerState['meta']; tensors: Map<string, { shape: readonly number[]; data: Float32Array }> };
  schedule?: ScheduleConfig;
  rng?: Record<string, RngState>;
  data?: unknown;
  trainer?: Record<string, unknown>;
  /** All metadata strings as stored. */
  metadata: Record<string, string>;
}

/** Thrown when a checkpoint would hold, or holds, NaN or ±Infinity: names the first such tensor and counts its bad values. */
export class NonFiniteTensorError extends TrainerError {
  /** The first tensor holding non-finite values. */
  readonly tensor: string;
  /** How many of its values are NaN or ±Infinity. */
  readonly count: number;

  constructor(message: string, tensor: string, count: number) {
    super(message, { field: tensor, value: count, allowed: 'finite values only' });
    this.name = 'NonFiniteTensorError';
    this.tensor = tensor;
    this.count = count;
  }
}

/** 'tensor 'x' holds 3 of its 1024 values as NaN or ±Infinity (and 2 more tensors)', or undefined when every value is finite. */
function describeNonFinite(tensors: Iterable<[string, { data: Float32Array | Int32Array }]>): { text: string; tensor: string; count: number } | undefined {
  const bad: Array<{ tensor: string; count: number; size: number }> = [];
  for (const [tensor, { data }] of tensors) {
    let count = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) count++;
    if (count > 0) bad.push({ tensor, count, size: data.length });
  }
  if (bad.length === 0) return undefined;
  const [first] = bad;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more tensor${bad.length > 2 ? 's' : ''}: ${listNames(bad.slice(1).map((b) => b.tensor))})` : '';
  return { text: `tensor '${first.tensor}' holds ${first.count} non-finite value${first.count === 1 ? '' : 's'} (NaN or ±Infinity) of ${first.size}${more}`, tensor: first.tensor, count: first.count };
}

async function toSafetensor(t: Tensor): Promise<SafetensorsTensor> {
  const values = await t.data();
  return { dtype: 'F32', shape: t.shape, data: values instanceof Float32Array ? values : Float32Array.from(values) };
}

/** Serialises a checkpoint (awaits the tensors' values). */
export async function encodeCheckpoint(state: CheckpointState): Promise<Uint8Array> {
  const where = 'encodeCheckpoint';
  checkInteger(where, 'step', state.step, 0);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, p] of state.model.namedParameters()) {
    if (name.startsWith(OPTIMIZER_PREFIX) || name.startsWith(BUFFER_PREFIX)) throw new TrainerError(`${where}: parameter '${name}' clashes with the '${OPTIMIZER_PREFIX}' / '${BUFFER_PREFIX}' prefixes reserved for optimizer state and buffers`);
    tensors.set(name, await toSafetensor(p));
  }
  for (const [name, values] of Object.entries(await state.model.buffers())) {
    tensors.set(BUFFER_PREFIX + name, { dtype: 'F32', shape: [values.length], data: values });
  }
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    step: String(state.step),
    model_config: toJson(where, 'the model config', state.model.config),
  };
  if (state.optimizer) {
    const opt = state.optimizer.state();
    for (const [key, t] of Object.entries(opt.tensors)) tensors.set(OPTIMIZER_PREFIX + key, await toSafetensor(t));
    metadata.optimizer = toJson(where, 'the optimizer state', opt.meta);
  }
  const nonFinite = describeNonFinite(tensors);
  if (nonFinite) throw new NonFiniteTensorError(`${where}: refusing to save a non-finite state: ${nonFinite.text}`, nonFinite.tensor, nonFinite.count);
  if (state.schedule) metadata.schedule = toJson(where, 'the schedule', state.schedule);
  if (state.rng) metadata.rng = toJson(where, 'the generator states', state.rng);
  if (state.data !== undefined) metadata.data = toJson(where, 'the data iterator state', state.data);
  if (state.trainer) metadata.trainer = toJson(where, 'the trainer state', state.trainer);
  return encodeSafetensors(tensors, metadata);
}

/** What a run's checkpoint stores, as the trainer holds it (live optimizer, schedule, data iterator, generators). */
export interface SaveCheckpointOptions {
  /** Updates done. */
  step: number;
  model: CheckpointModel;
  optimizer?: Optimizer;
  schedule?: Schedule | ScheduleConfig;
  /** The data iterator; its `state()` is stored. */
  data?: { state(): unknown };
  /** Generators to store besides the global one (always stored); `false` stores none. Default {}. */
  rngs?: Record<string, Rng> | false;
  /** Extra trainer state (JSON). */
  trainer?: Record<string, unknown>;
}

/** Serialises a run's live state (captures the generators, the data position and the schedule config). */
export async function captureCheckpoint(contents: SaveCheckpointOptions): Promise<Uint8Array> {
  const schedule = contents.schedule && ('factor' in contents.schedule ? contents.schedule.config : contents.schedule);
  return encodeCheckpoint({
    step: contents.step,
    model: contents.model,
    optimizer: contents.optimizer,
    schedule,
    rng: contents.rngs === false ? undefined : captureRngs(contents.rngs || {}),
    data: contents.data?.state(),
    trainer: contents.trainer,
  });
}

function parseJson(source: string, metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TrainerError(`${source}: metadata '${key}' is not valid JSON (${(error as Error).message}); the file is corrupted`);
  }
}

/** Parses checkpoint bytes (validating the safetensors layer and the checkpoint metadata). */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): DecodedCheckpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, { source });
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new TrainerError(`${source}: not an smoe checkpoint (metadata format = ${describeValue(metadata.format)}, expected '${CHECKPOINT_FORMAT}')`);
  }
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new TrainerError(`${source}: metadata step = ${describeValue(metadata.step)} is not an integer >= 0; the file is corrupted`);
  if (metadata.model_config === undefined) throw new TrainerError(`${source}: metadata has no model_config`);
  const parameters = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const optimizerTensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const buffers = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (t.dtype !== 'F32' || !(t.data instanceof Float32Array)) throw new TrainerError(`${source}: tensor '${name}' has dtype ${t.dtype}; checkpoints hold F32 tensors`);
    if (name.startsWith(BUFFER_PREFIX)) buffers.set(name.slice(BUFFER_PREFIX.length), t.data);
    else if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors.set(name.slice(OPTIMIZER_PREFIX.length), { shape: t.shape, data: t.data });
    else parameters.set(name, { shape: t.shape, data: t.data });
  }
  const nonFinite = describeNonFinite(tensors);
  if (nonFinite) throw new NonFiniteTensorError(`${source}: ${nonFinite.text}; this checkpoint cannot be used, load an earlier one`, nonFinite.tensor, nonFinite.count);
  const optimizerMeta = parseJson(source, metadata, 'optimizer') as OptimizerState['meta'] | undefined;
  if (optimizerTensors.size > 0 && !optimizerMeta) throw new TrainerError(`${source}: holds optimizer tensors but no optimizer metadata; the file is corrupted`);
  if (optimizerMeta && (typeof optimizerMeta !== 'object' || typeof optimizerMeta.name !== 'string' || typeof optimizerMeta.steps !== 'object')) {
    throw new TrainerError(`${source}: metadata 'optimizer' is malformed; the file is corrupted`);
  }
  return {
    step,
    modelConfig: parseJson(source, metadata, 'model_config'),
    parameters,
    buffers,
    optimizer: optimizerMeta ? { meta: optimizerMeta, tensors: optimizerTensors } : undefined,
    schedule: parseJson(source, metadata, 'schedule') as ScheduleConfig | undefined,
    rng: parseJson(source, metadata, 'rng') as Record<string, RngState> | undefined,
    data: parseJson(source, metadata, 'data'),
    trainer: parseJson(source, metadata, 'trainer') as Record<string, unknown> | undefined,
    metadata,
  };
}

/** What to restore from a decoded checkpoint; each part is optional except the model. */
export interface ApplyTargets {
  model: CheckpointModel;
  optimizer?: Optimizer;
  /** Data iterator to move to the saved position. */
  data?: Pick<DataSource<unknown>, 'restore'>;
  /**
   * Generators to restore besides the global one (then a saved state is required); `false`
   * restores none. Default: the global generator, when the checkpoint holds its state.
   */
  rngs?: Record<string, Rng> | false;
  /** Check the stored model config equals `model.config`. Default true. */
  checkConfig?: boolean;
}

function listNames(names: string[]): string {
  return names.slice(0, 5).map((n) => `'${n}'`).join(', ') + (names.length > 5 ? `, … (${names.length} in all)` : '');
}

/**
 * Restores a decoded checkpoint into the targets. Everything is validated before the first
 * value changes, so a mismatch leaves the model and optimizer as they were.
 */
export function applyCheckpoint(checkpoint: DecodedCheckpoint, targets: ApplyTargets, source = 'checkpoint'): void {
  const { model } = targets;
  if (targets.checkConfig ?? true) {
    const d = firstDifference(checkpoint.modelConfig, model.config);
    if (d) {
      throw new TrainerError(`${source}: was written for a model with ${d.path} = ${describeValue(d.a)}; this model has ${d.path} = ${describeValue(d.b)}`, { field: d.path, value: d.b, allowed: describeValue(d.a) });
    }
  }
  const params = new Map(model.namedParameters());
  const missing = [...params.keys()].filter((n) => !checkpoint.parameters.has(n));
  const unexpected = [...checkpoint.parameters.keys()].filter((n) => !params.has(n));
  if (missing.length || unexpected.length) {
    throw new TrainerError(
      `${source}: parameter names do not match the model` +
        (missing.length ? `; missing from the checkpoint: ${listNames(missing)}` : '') +
        (unexpected.length ? `; not in the model: ${listNames(unexpected)}` : ''),
    );
  }
  for (const [name, p] of params) {
    const saved = checkpoint.parameters.get(name)!;
    if (formatShape(saved.shape) !== formatShape(p.shape)) throw new TrainerError(`${source}: parameter '${name}' has shape ${formatShape(saved.shape)} in the checkpoint, ${formatShape(p.shape)} in the model`);
  }
  let optimizerState: OptimizerState | undefined;
  if (targets.optimizer) {
    if (!checkpoint.optimizer) throw new TrainerError(`${source}: holds no optimizer state to restore into ${targets.optimizer.name}`);
    optimizerState = {
      meta: checkpoint.optimizer.meta,
      tensors: Object.fromEntries([...checkpoint.optimizer.tensors].map(([k, v]) => [k, new Tensor(v.data, v.shape)])),
    };
    if (optimizerState.meta.name !== targets.optimizer.name) {
      throw new TrainerError(`${source}: holds the state of optimizer '${optimizerState.meta.name}', not '${targets.optimizer.name}'`);
    }
  }
  if (targets.data && checkpoint.data === undefined) throw new TrainerError(`${source}: holds no data iterator position`);
  const restoreGenerators = targets.rngs !== false && (targets.rngs !== undefined || checkpoint.rng !== undefined);
  if (restoreGenerators && !checkpoint.rng) throw new TrainerError(`${source}: holds no random generator state`);
  if (restoreGenerators && checkpoint.rng) {
    const absent = ['global', ...Object.keys(targets.rngs || {})].filter((n) => !checkpoint.rng![n]);
    if (absent.length) throw new TrainerError(`${source}: holds no state for random generator(s) ${listNames(absent)} (it has: ${listNames(Object.keys(checkpoint.rng))})`);
  }

  if (restoreGenerators && checkpoint.rng) {
    for (const [name, state] of Object.entries(checkpoint.rng)) {
      try {
        new Rng(state);
      } catch (error) {
        throw new TrainerError(`${source}: metadata 'rng' holds an invalid state for generator '${name}' (${(error as Error).message}); the file is corrupted, resume from another checkpoint`, { cause: error });
      }
    }
  }

  // The optimizer and the data iterator validate their own state before changing anything, so
  // they go first; the parameters, already checked, cannot fail.
  const restoring = (what: string, restore: () => void): void => {
    try {
      restore();
    } catch (error) {
      if (error instanceof TrainerError && error.message.startsWith(source)) throw error;
      throw new TrainerError(`${source}: ${what} cannot be restored (${(error as Error).message}); the file is corrupted or from another run`, { cause: error });
    }
  };
  if (targets.optimizer && optimizerState) restoring('the optimizer state', () => targets.optimizer!.restore(optimizerState!, params));
  if (targets.data) restoring("metadata 'data' (the data iterator position)", () => targets.data!.restore(checkpoint.data));
  model.loadBuffers(Object.fromEntries(checkpoint.buffers));
  for (const [name, p] of params) {
    const saved = checkpoint.parameters.get(name)!;
    p.assign(new Tensor(saved.data, saved.shape));
  }
  if (restoreGenerators && checkpoint.rng) restoreRngs(checkpoint.rng, targets.rngs || {}, source);
}
