/**
 * The run folder: everything one training run writes, in one place (a `RunStorage`).
 *
 *   metrics.jsonl                         one JSON line per step and evaluation
 *   run.json                              the run's configuration (model config, optimizer, schedule, options)
 *   checkpoints/step-00001000.safetensors
 *   checkpoints/best.safetensors          best validation metric so far (with early stopping)
 *
 * A folder is never overwritten silently: starting in a non-empty folder needs `resume`
 * (continue from its latest checkpoint, or from a given checkpoint file) or `overwrite`
 * (delete the files above and start over; other files are left alone). Browser-safe.
 */
import type { RunStorage } from './run-storage.js';
import { TrainerError } from './validate.js';

/** Names of the files in a run folder. */
export const RUN_FILES = { metrics: 'metrics.jsonl', run: 'run.json', checkpoints: 'checkpoints', best: 'checkpoints/best.safetensors' } as const;

/** The name of the checkpoint of `step` in a run folder. */
export function checkpointName(step: number): string {
  return `${RUN_FILES.checkpoints}/step-${String(step).padStart(8, '0')}.safetensors`;
}

const STEP_FILE = /^step-(\d+)\.safetensors$/;

/** Step checkpoints in a run folder, oldest first, with their names and paths. */
export async function listCheckpoints(storage: RunStorage): Promise<Array<{ step: number; name: string; path: string }>> {
  return (await storage.list(RUN_FILES.checkpoints))
    .map((n) => ({ match: STEP_FILE.exec(n), n }))
    .filter((x): x is { match: RegExpExecArray; n: string } => x.match !== null)
    .map(({ match, n }) => ({ step: Number(match[1]), name: `${RUN_FILES.checkpoints}/${n}`, path: storage.path(`${RUN_FILES.checkpoints}/${n}`) }))
    .sort((a, b) => a.step - b.step);
}

/** Deletes all but the newest `keep` step checkpoints (keep 0 keeps all). */
export async function pruneCheckpoints(storage: RunStorage, keep: number): Promise<void> {
  if (keep <= 0) return;
  const all = await listCheckpoints(storage);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await storage.remove(old.name);
}

/** How to treat an existing run folder. */
export interface PrepareOptions {
  /** true: continue from the latest checkpoint in the folder; a name or path: from that checkpoint file. */
  resume?: boolean | string;
  /** Delete the trainer's files in the folder and start over. */
  overwrite?: boolean;
}

/**
 * Checks the (opened) run folder against `options` and returns the checkpoint to resume from
 * (undefined for a fresh start); throws when it holds files and neither option allows using it.
 */
export async function prepareRunFolder(storage: RunStorage, options: PrepareOptions = {}): Promise<string | undefined> {
  const where = storage.location;
  if (options.resume && options.overwrite) {
    throw new TrainerError(`train: resume and overwrite cannot both be set (run folder '${where}')`, { field: 'overwrite', value: true, allowed: 'false when resume is set' });
  }
  const entries = await storage.list('');
  if (options.overwrite) {
    for (const name of [RUN_FILES.metrics, RUN_FILES.run, RUN_FILES.checkpoints]) await storage.remove(name);
  } else if (entries.length > 0 && !options.resume) {
    throw new TrainerError(
      `train: run folder '${where}' is not empty (it holds ${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', …' : ''}); ` +
        'pass resume: true to continue it, overwrite: true to start it over, or choose another out',
      { field: 'out', value: where, allowed: 'an empty or new folder, or resume / overwrite' },
    );
  }
  if (typeof options.resume === 'string') return options.resume;
  if (options.resume) return (await listCheckpoints(storage)).at(-1)?.name;
  return undefined;
}
