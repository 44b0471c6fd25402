/**
 * The run folder: everything one training run writes, in one place.
 *
 *   <out>/metrics.jsonl                       one JSON line per step and evaluation
 *   <out>/run.json                            the run's configuration (model config, optimizer, schedule, options)
 *   <out>/checkpoints/step-00001000.safetensors
 *   <out>/checkpoints/best.safetensors        best validation metric so far (with early stopping)
 *
 * A folder is never overwritten silently: starting in a non-empty folder needs `resume`
 * (continue from its latest checkpoint, or from a given checkpoint file) or `overwrite`
 * (delete the files above and start over; other files are left alone). Node only.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isTemporaryFile } from './atomic-write.js';
import { TrainerError } from './validate.js';

/** Paths inside a run folder. */
export interface RunPaths {
  out: string;
  metrics: string;
  run: string;
  checkpoints: string;
  best: string;
}

/** The paths of run folder `out`. */
export function runPaths(out: string): RunPaths {
  const checkpoints = join(out, 'checkpoints');
  return { out, metrics: join(out, 'metrics.jsonl'), run: join(out, 'run.json'), checkpoints, best: join(checkpoints, 'best.safetensors') };
}

/** The checkpoint file of `step`. */
export function checkpointPath(out: string, step: number): string {
  return join(runPaths(out).checkpoints, `step-${String(step).padStart(8, '0')}.safetensors`);
}

const STEP_FILE = /^step-(\d+)\.safetensors$/;

/** Step checkpoints in `out`, oldest first (temporary files of interrupted saves are ignored). */
export async function listCheckpoints(out: string): Promise<Array<{ step: number; path: string }>> {
  const dir = runPaths(out).checkpoints;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((n) => !isTemporaryFile(n))
    .map((n) => ({ match: STEP_FILE.exec(n), n }))
    .filter((x): x is { match: RegExpExecArray; n: string } => x.match !== null)
    .map(({ match, n }) => ({ step: Number(match[1]), path: join(dir, n) }))
    .sort((a, b) => a.step - b.step);
}

/** Deletes all but the newest `keep` step checkpoints (keep 0 keeps all). */
export async function pruneCheckpoints(out: string, keep: number): Promise<void> {
  if (keep <= 0) return;
  const all = await listCheckpoints(out);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(old.path, { force: true });
}

/** How to treat an existing run folder. */
export interface PrepareOptions {
  /** true: continue from the latest checkpoint in the folder; a path: from that checkpoint file. */
  resume?: boolean | string;
  /** Delete the trainer's files in the folder and start over. */
  overwrite?: boolean;
}

/** What `prepareRunFolder` decided. */
export interface PreparedRun {
  paths: RunPaths;
  /** The checkpoint to resume from; undefined for a fresh start. */
  resumeFrom: string | undefined;
}

/** Creates or checks the run folder; throws when it holds files and neither option allows using it. */
export async function prepareRunFolder(out: string, options: PrepareOptions = {}): Promise<PreparedRun> {
  const paths = runPaths(out);
  if (options.resume && options.overwrite) {
    throw new TrainerError(`train: resume and overwrite cannot both be set (run folder '${out}')`, { field: 'overwrite', value: true, allowed: 'false when resume is set' });
  }
  let entries: string[] = [];
  try {
    const info = await stat(out);
    if (!info.isDirectory()) throw new TrainerError(`train: out = '${out}' is a file, not a folder`, { field: 'out', value: out, allowed: 'a folder path' });
    entries = await readdir(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (options.overwrite) {
    for (const path of [paths.metrics, paths.run, paths.checkpoints]) await rm(path, { recursive: true, force: true });
  } else if (entries.length > 0 && !options.resume) {
    throw new TrainerError(
      `train: run folder '${out}' is not empty (it holds ${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', …' : ''}); ` +
        'pass resume: true to continue it, overwrite: true to start it over, or choose another out',
      { field: 'out', value: out, allowed: 'an empty or new folder, or resume / overwrite' },
    );
  }
  await mkdir(paths.checkpoints, { recursive: true });
  let resumeFrom: string | undefined;
  if (typeof options.resume === 'string') resumeFrom = resolve(options.resume);
  else if (options.resume) resumeFrom = (await listCheckpoints(out)).at(-1)?.path;
  return { paths, resumeFrom };
}
