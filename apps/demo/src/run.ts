/**
 * Shared pieces of the training commands: choosing the backend, loading a model from a
 * checkpoint, summarising a run from its metrics, and writing summary.json atomically.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type DecoderLanguageModel, type Model, type ModelConfig } from '@smoe/moe';
import { loadHuggingFace, loadTokenizer, type Architecture, type HubTokenizer } from '@smoe/hub';
import { setBackend } from '@smoe/tensor/node';
import { applyCheckpoint, fileStorage, listCheckpoints, prepareRunFolder, readCheckpoint, readMetrics, RUN_FILES, TrainerError, warmupCosine, writeFileAtomic, type DecodedCheckpoint, type FileStorage, type ProgressOptions, type Schedule } from '@smoe/trainer/node';
import { UsageError } from './args.js';
import { scheduleTotal, type RunSettings } from './settings.js';

/** Selects the backend named by --backend ('auto': SMOE_BACKEND when set, else the fastest measured here). */
export async function useBackend(name: string): Promise<string> {
  const backend = await setBackend(name === 'auto' ? process.env.SMOE_BACKEND || 'auto' : name);
  return backend.name;
}

/** Resolves --from: a checkpoint file, or a run folder (its latest checkpoint). */
export async function resolveCheckpoint(from: string): Promise<string> {
  if (!existsSync(from)) throw new UsageError(`--from ${from}: no such file or run folder`);
  if (statSync(from).isDirectory()) {
    const list = await listCheckpoints(fileStorage(from));
    if (list.length === 0) throw new UsageError(`--from ${from}: the run folder holds no checkpoint (checkpoints/step-*.safetensors)`);
    return list[list.length - 1].path;
  }
  return from;
}

/**
 * A lower bound on the parameter values a model config needs — each block's attention (4·d²)
 * and two norm gains, the token and position embeddings, each MoE layer's expert weights —
 * computed from the JSON without building anything.
 */
export function parametersAtLeast(config: unknown): number {
  const c = (config ?? {}) as Record<string, unknown>;
  const body = (c.model === 'sequenceClassifier' ? c.body : c) as Record<string, unknown> | undefined;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  if (!body) return 0;
  const dim = n(body.modelDim);
  const layers = n(body.layers);
  const moe = body.moe as Record<string, unknown> | null | undefined;
  const moeLayers = moe ? Math.floor(layers / Math.max(1, n(moe.every) || 1)) : 0;
  const experts = moe ? n(moe.experts) * 2 * dim * n(moe.expertDim ?? body.ffDim) : 0;
  return layers * (4 * dim * dim + 2 * dim) + (n(body.vocab) + n(body.context)) * dim + moeLayers * experts;
}

/** Loads a Transformers folder (Mixtral / Qwen2-MoE / OLMoE) with its own tokenizer, which must fit the model's embedding. */
export async function loadHuggingFaceFolder(dir: string, command: string): Promise<{ model: DecoderLanguageModel; architecture: Architecture; tokenizer: HubTokenizer }> {
  const { model, architecture } = await loadHuggingFace(dir, { onNotice: (message) => console.error(`note: ${message}`) });
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocab > model.config.vocab) throw new UsageError(`${command} --from-hf ${dir}: tokenizer.json has ${tokenizer.vocab} tokens, the model's embedding only ${model.config.vocab}`);
  return { model, architecture, tokenizer };
}

/** Rebuilds the model a checkpoint was written for and loads its weights and router state. */
export async function loadModel(from: string): Promise<{ model: Model; checkpoint: DecodedCheckpoint; path: string }> {
  const path = await resolveCheckpoint(from);
  let checkpoint: DecodedCheckpoint;
  try {
    checkpoint = await readCheckpoint(path);
  } catch (error) {
    throw error instanceof TrainerError ? new UsageError(`--from ${error.message.replace(/^loadCheckpoint: /, '')}`) : error;
  }
  // The config must fit the tensors present before anything is allocated for it.
  const present = [...checkpoint.parameters.values()].reduce((sum, p) => sum + p.data.length, 0);
  const needed = parametersAtLeast(checkpoint.modelConfig);
  if (needed > present) {
    throw new UsageError(`--from ${path}: its model_config needs at least ${needed} parameter values, but the file holds ${present}; the config does not match the tensors (the file is corrupted or was edited)`);
  }
  let model: Model;
  try {
    model = createModel(checkpoint.modelConfig as ModelConfig);
  } catch (error) {
    throw new UsageError(`--from ${path}: its model config is not one this demo can build (${(error as Error).message})`);
  }
  try {
    applyCheckpoint(checkpoint, { model, rngs: false }, path);
  } catch (error) {
    throw error instanceof TrainerError ? new UsageError(`--from ${error.message}`) : error;
  }
  return { model, checkpoint, path };
}

/**
 * The trainer's progress option: a bar on a terminal, plain lines with --no-progress. Behind the
 * CLI's stderr filter (cli.ts) stderr is a pipe; SMOE_STDERR_COLUMNS then gives the terminal's width.
 */
export function progressOption(progress: boolean): ProgressOptions {
  if (!progress) return { tty: false };
  const columns = Number(process.env.SMOE_STDERR_COLUMNS);
  return columns > 0 ? { tty: true, stream: { write: (text: string) => process.stderr.write(text), columns } } : {};
}

/**
 * Opens --out before any work: takes its lock and checks --resume / --overwrite, so a folder in
 * use, a path through a file or a non-empty folder fails first. Close it after summary.json.
 */
export async function claimRunFolder(settings: RunSettings, log: (line: string) => void): Promise<FileStorage> {
  const storage = fileStorage(settings.out);
  try {
    await storage.open(log);
    await prepareRunFolder(storage, { resume: settings.resume, overwrite: settings.overwrite });
  } catch (error) {
    await storage.close();
    const cli = (message: string) => message.replace(/^train: /, '').replace('pass resume: true to continue it, overwrite: true to start it over, or choose another out', 'pass --resume to continue it, --overwrite to start it over, or choose another --out');
    throw error instanceof TrainerError ? new UsageError(`--out: ${cli(error.message)}`) : error;
  }
  return storage;
}

/**
 * The learning-rate schedule: warm-up, then cosine decay to 0.1·lr at the schedule's end, and
 * 0.1·lr after it. A resumed run keeps the schedule it started with (run.json), so more --steps
 * extend it at the final rate — the same run as a straight one with --schedule-steps set to the
 * original length; what differs from the flags is said and the settings record what is used.
 */
export function learningRateSchedule(settings: RunSettings, log: (line: string) => void): { schedule: Schedule; settings: RunSettings } {
  let s = settings;
  const runFile = join(settings.out, RUN_FILES.run);
  if (settings.resume && existsSync(runFile)) {
    const run = readJsonFile(runFile) as { steps?: number; schedule?: { name?: string; warmup?: number; total?: number } };
    const saved = run.schedule;
    if (saved?.name !== 'warmupCosine' || !Number.isInteger(saved.total) || !Number.isInteger(saved.warmup)) {
      throw new UsageError(`--resume: ${runFile} has no warmupCosine schedule ({ warmup, total }); it was not written by this demo, or it was edited`);
    }
    const kept = { ...s, warmup: saved.warmup!, scheduleSteps: saved.total! };
    if (kept.warmup !== s.warmup || (s.scheduleSteps > 0 && s.scheduleSteps !== kept.scheduleSteps)) {
      log(`resume: the learning-rate schedule stays the run's own (warm-up ${kept.warmup}, cosine over ${kept.scheduleSteps} steps), not warm-up ${s.warmup} over ${scheduleTotal(s)}; start a new run to change it`);
    }
    if (run.steps !== undefined && run.steps !== s.steps) {
      log(`resume: --steps ${s.steps} ${s.steps > run.steps ? 'extends' : 'shortens'} the run from its planned ${run.steps} steps${s.steps > kept.scheduleSteps ? `; steps past ${kept.scheduleSteps} run at the schedule's final rate (0.1·lr)` : ''}`);
    }
    s = kept;
  }
  return { schedule: warmupCosine({ warmup: s.warmup, total: scheduleTotal(s), min: 0.1 }), settings: s };
}

/** A JSON file's contents; a missing or broken file is a UsageError naming it. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
}

/** Averages of the train metrics over the last `fraction` of steps (tokens/s, routing statistics). */
export function summariseMetrics(out: string, fraction = 0.25): Record<string, number> {
  const lines = readMetrics(join(out, 'metrics.jsonl')).filter((r) => r.type === 'train');
  const tail = lines.slice(Math.floor(lines.length * (1 - fraction)));
  const sums: Record<string, { total: number; n: number }> = {};
  for (const line of tail) {
    for (const [k, v] of Object.entries(line)) {
      if (typeof v !== 'number' || k === 'step') continue;
      const s = (sums[k] ??= { total: 0, n: 0 });
      s.total += v;
      s.n++;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, s.total / s.n]));
}

/** Writes a JSON file atomically (temporary file, fsync, rename). */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'));
}

/** Formats a number for tables. */
export function fmt(x: number | undefined, digits = 3): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}
