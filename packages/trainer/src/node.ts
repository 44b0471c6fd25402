// @smoe/trainer/node — the Node entry point: everything from the core, plus files on disk: run
// folders (`fileStorage`, with its one-writer lock), checkpoint files, atomic writes, metrics
// files, and a `train` whose `out` may be a folder path.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileStorage } from './file-storage.js';
import { parseMetrics, type MetricsRecord } from './metrics.js';
import type { RunStorage } from './run-storage.js';
import { train as trainWithStorage, type TrainSummary } from './train.js';
import type { TrainOptions } from './train-options.js';
import type { BatchOf, DataSource, TrainableModel } from './types.js';

export * from './index.js';
export { saveCheckpoint, loadCheckpoint, readCheckpoint } from './checkpoint-file.js';
export { writeFileAtomic, writeWholeChunk, isTemporaryFile, type AtomicWriteOptions, type ChunkWriter } from './atomic-write.js';
export { readBoundedFile, MAX_FILE_BYTES } from './bounded-read.js';
export { fileStorage, FileStorage, processAlive, LOCK_FILE, type LockOwner } from './file-storage.js';

/** `train()`'s options in Node: `out` may also be a folder path (a `fileStorage`), `resume` a path relative to the working folder. */
export type NodeTrainOptions<B, M = TrainableModel<B>> = Omit<TrainOptions<B, M>, 'out'> & { out?: string | RunStorage };

/** `train()` (see @smoe/trainer) with `out` as a folder on disk when it is a path. */
export function train<M extends TrainableModel<never>>(model: M, data: DataSource<BatchOf<M>>, options: NodeTrainOptions<BatchOf<M>, M>): Promise<TrainSummary> {
  const { out, resume } = options;
  const onDisk = typeof out === 'string' && out.length > 0;
  return trainWithStorage(model, data, {
    ...options,
    out: onDisk ? fileStorage(out) : (out as RunStorage | undefined),
    ...(onDisk && typeof resume === 'string' ? { resume: resolve(resume) } : {}),
  });
}

/** Reads a metrics file (`<run>/metrics.jsonl`); [] when there is none. A torn last line is skipped. */
export function readMetrics(path: string): MetricsRecord[] {
  return existsSync(path) ? parseMetrics(readFileSync(path, 'utf8'), path) : [];
}
