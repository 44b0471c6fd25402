/**
 * Checkpoint files: `saveCheckpoint` encodes the run's state (checkpoint.ts) and writes it
 * atomically (atomic-write.ts), so a crash during a save leaves the previous checkpoint intact;
 * `loadCheckpoint` reads, validates and restores it. Node only.
 */
import { readFile } from 'node:fs/promises';
import type { Rng } from '@smoe/tensor';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js';
import { applyCheckpoint, decodeCheckpoint, encodeCheckpoint, type ApplyTargets, type CheckpointModel, type DecodedCheckpoint } from './checkpoint.js';
import type { Optimizer } from './optimizer.js';
import { captureRngs } from './rng-state.js';
import type { Schedule, ScheduleConfig } from './schedule.js';
import { TrainerError } from './validate.js';

/** What `saveCheckpoint` stores. */
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

/** Writes a checkpoint to `path` atomically. */
export async function saveCheckpoint(path: string, contents: SaveCheckpointOptions, options: AtomicWriteOptions = {}): Promise<void> {
  const schedule = contents.schedule && ('factor' in contents.schedule ? contents.schedule.config : contents.schedule);
  const bytes = await encodeCheckpoint({
    step: contents.step,
    model: contents.model,
    optimizer: contents.optimizer,
    schedule,
    rng: contents.rngs === false ? undefined : captureRngs(contents.rngs || {}),
    data: contents.data?.state(),
    trainer: contents.trainer,
  });
  await writeFileAtomic(path, bytes, options);
}

/** Reads and validates a checkpoint file without applying it. */
export async function readCheckpoint(path: string): Promise<DecodedCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrainerError(code === 'ENOENT' ? `loadCheckpoint: no checkpoint at '${path}'` : `loadCheckpoint: cannot read '${path}' (${(error as Error).message})`, { cause: error });
  }
  return decodeCheckpoint(bytes, path);
}

/**
 * Reads a checkpoint and restores it into the targets (model parameters always; optimizer,
 * data position and generators when given). Returns the decoded checkpoint (step, trainer
 * state, …). Validation errors name the file and what does not match.
 */
export async function loadCheckpoint(path: string, targets: ApplyTargets): Promise<DecodedCheckpoint> {
  const checkpoint = await readCheckpoint(path);
  applyCheckpoint(checkpoint, targets, path);
  return checkpoint;
}
