/**
 * Checkpoint files: `saveCheckpoint` encodes the run's state (checkpoint.ts) and writes it
 * atomically (atomic-write.ts), so a crash during a save leaves the previous checkpoint intact;
 * `readCheckpoint` reads (bounded-read.ts: a regular file of sane size) and validates it;
 * `loadCheckpoint` also restores it. Node only.
 */
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js';
import { readBoundedFile } from './bounded-read.js';
import { applyCheckpoint, captureCheckpoint, decodeCheckpoint, type ApplyTargets, type DecodedCheckpoint, type SaveCheckpointOptions } from './checkpoint.js';
import { TrainerError } from './validate.js';

/** Writes a checkpoint to `path` atomically. */
export async function saveCheckpoint(path: string, contents: SaveCheckpointOptions, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, await captureCheckpoint(contents), options);
}

/** Reads and validates a checkpoint file without applying it. */
export async function readCheckpoint(path: string): Promise<DecodedCheckpoint> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBoundedFile(path);
  } catch (error) {
    throw new TrainerError(`loadCheckpoint: ${(error as Error).message}`, { cause: error });
  }
  if (!bytes) throw new TrainerError(`loadCheckpoint: no checkpoint at '${path}'`);
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
