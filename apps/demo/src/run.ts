/**
 * Shared pieces of the training commands: choosing the backend, loading a model from a
 * checkpoint, summarising a run from its metrics, and writing summary.json atomically.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type Model, type ModelConfig } from '@smoe/moe';
import { setBackend } from '@smoe/tensor/node';
import { applyCheckpoint, fileStorage, listCheckpoints, readCheckpoint, readMetrics, writeFileAtomic, type DecodedCheckpoint } from '@smoe/trainer/node';
import { UsageError } from './args.js';

/** Selects the backend named by --backend ('auto': the fastest measured here). */
export async function useBackend(name: string): Promise<string> {
  const backend = await setBackend(name);
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

/** Rebuilds the model a checkpoint was written for and loads its weights and router state. */
export async function loadModel(from: string): Promise<{ model: Model; checkpoint: DecodedCheckpoint; path: string }> {
  const path = await resolveCheckpoint(from);
  const checkpoint = await readCheckpoint(path);
  let model: Model;
  try {
    model = createModel(checkpoint.modelConfig as ModelConfig);
  } catch (error) {
    throw new UsageError(`--from ${path}: its model config is not one this demo can build (${(error as Error).message})`);
  }
  applyCheckpoint(checkpoint, { model, rngs: false }, path);
  return { model, checkpoint, path };
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
