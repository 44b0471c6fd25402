/**
 * Writing a file so that a crash or a kill never leaves it half-written: the bytes go to
 * `<path>.tmp-<pid>-<random>` in the same folder, the file is fsynced, renamed over `path`
 * (atomic on POSIX file systems), and the folder is fsynced so the rename itself survives a
 * power cut. Until the rename, the previous file at `path` is untouched; after it, the new one
 * is complete. A failed write removes its temporary file. Node only.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TrainerError } from './validate.js';

/** Writes one chunk at `position`; injectable so tests can simulate a crash mid-write. */
export type ChunkWriter = (handle: FileHandle, chunk: Uint8Array, position: number) => Promise<void>;

/** Options of `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /** How chunks are written. Default: `handle.write` until the chunk is fully written. */
  writeChunk?: ChunkWriter;
  /** Bytes per chunk. Default 4 MiB. */
  chunkSize?: number;
}

/** The default chunk writer (loops over partial writes). */
export const writeWholeChunk: ChunkWriter = async (handle, chunk, position) => {
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
};

/** True for names `writeFileAtomic` uses for its temporary files. */
export function isTemporaryFile(name: string): boolean {
  return /\.tmp-\d+-[0-9a-f]+$/.test(name);
}

const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'EACCES']);

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!DIR_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `bytes` to `path` atomically (see the file header). */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const writeChunk = options.writeChunk ?? writeWholeChunk;
  const chunkSize = options.chunkSize ?? 4 << 20;
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    for (let at = 0; at < bytes.length; at += chunkSize) await writeChunk(handle, bytes.subarray(at, Math.min(bytes.length, at + chunkSize)), at);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw new TrainerError(`writeFileAtomic: writing '${path}' failed (${(error as Error).message}); any previous file at that path is untouched`, { cause: error });
  }
  await syncDirectory(dirname(path));
}
