/**
 * A run folder on disk as a `RunStorage`: files written atomically (atomic-write.ts), metrics
 * appended, and one writer at a time.
 *
 *   <folder>/run.lock    { pid, host, started } of the process writing the folder. Created with
 *                        link(2), which fails when the file exists, so two processes never both
 *                        hold it. A second run is refused while the owner lives; when the owner
 *                        is dead (same host, no such process) the lock is taken over, with a line
 *                        saying so. Removed when the run ends.
 *   *.tmp-<pid>-<hex>    temporary files of saves; those whose writer is dead are deleted when a
 *                        run opens the folder (start and resume).
 *
 * Errors name the folder, what was wrong and what to do (a path through a file, no permission,
 * another live writer). Node only.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isTemporaryFile, writeFileAtomic } from './atomic-write.js';
import { readBoundedFile } from './bounded-read.js';
import type { RunStorage } from './run-storage.js';
import { TrainerError } from './validate.js';

/** The lock file's name in a run folder. */
export const LOCK_FILE = 'run.lock';

/** Who holds a run folder. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  started: string;
}

/** True when process `pid` exists on this machine (one owned by another user counts). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isOwner(value: unknown): value is LockOwner {
  const v = value as LockOwner;
  return typeof v === 'object' && v !== null && Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.started === 'string';
}

/** The folder's lock owner; undefined when there is no lock, null when it is unreadable. */
async function readOwner(path: string): Promise<LockOwner | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner: unknown = JSON.parse(text);
    return isOwner(owner) ? owner : null;
  } catch {
    return null;
  }
}

/** Creates the lock file holding `owner` unless it exists; true when created. */
async function createLock(path: string, owner: LockOwner): Promise<boolean> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  await writeFile(temporary, `${JSON.stringify(owner)}\n`);
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** The pid in a temporary file's name (`x.tmp-<pid>-<hex>`). */
function temporaryFileOwner(name: string): number {
  return Number(/\.tmp-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
}

/** Turns a file-system error on the run folder into one that says what to do. */
async function explain(folder: string, error: unknown): Promise<Error> {
  if (error instanceof TrainerError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    let file = resolve(folder);
    for (let up = file; ; up = dirname(up)) {
      const info = await stat(up).catch(() => undefined);
      if (info && !info.isDirectory()) file = up;
      if (dirname(up) === up) break;
    }
    return new TrainerError(`train: cannot use run folder '${folder}': '${file}' is a file, not a folder; choose another out`, { field: 'out', value: folder, allowed: 'a folder path', cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TrainerError(`train: cannot write to run folder '${folder}' (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}); choose a folder you can write to, or change its permissions`, { field: 'out', value: folder, allowed: 'a writable folder', cause: error });
  }
  return new TrainerError(`train: cannot use run folder '${folder}' (${(error as Error).message})`, { field: 'out', value: folder, allowed: 'a writable folder', cause: error });
}

/** A run folder on disk (see the file header). */
export class FileStorage implements RunStorage {
  readonly location: string;
  private locked = false;
  /** open() calls not yet closed: the lock is released by the last close(). */
  private opens = 0;

  constructor(folder: string) {
    if (typeof folder !== 'string' || folder.length === 0) throw new TrainerError(`fileStorage: folder = ${JSON.stringify(folder)} is invalid; allowed: a folder path`, { field: 'out', value: folder, allowed: 'a folder path' });
    this.location = folder;
  }

  path(name: string): string {
    return isAbsolute(name) ? name : join(this.location, name);
  }

  /**
   * Creates the folder, takes the lock and deletes temporary files of dead writers. Opening it
   * again (a caller that checks the folder before `train()` opens it) only counts: the lock is
   * released by the last `close()`.
   */
  async open(log: (line: string) => void): Promise<void> {
    if (this.opens++ > 0) return;
    try {
      const info = await stat(this.location).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
      if (info && !info.isDirectory()) throw new TrainerError(`train: out = '${this.location}' is a file, not a folder; choose a folder path`, { field: 'out', value: this.location, allowed: 'a folder path' });
      await mkdir(this.location, { recursive: true });
      await this.lock(log);
      await this.removeStaleTemporaryFiles(log);
    } catch (error) {
      this.opens = 0;
      throw await explain(this.location, error);
    }
  }

  private async lock(log: (line: string) => void): Promise<void> {
    const path = this.path(LOCK_FILE);
    const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createLock(path, me)) {
        this.locked = true;
        return;
      }
      const owner = await readOwner(path);
      if (owner === undefined) continue; // released in between: try again
      if (owner && (owner.host !== me.host || processAlive(owner.pid))) {
        const who = owner.pid === process.pid && owner.host === me.host ? 'this process (another train() call)' : `process ${owner.pid} on ${owner.host}`;
        throw new TrainerError(
          `train: run folder '${this.location}' is in use by ${who} since ${owner.started}; wait for that run to end or stop it, or choose another out` +
            (owner.host !== me.host ? ` (if that machine's run is gone, delete '${path}')` : ''),
          { field: 'out', value: this.location, allowed: 'a folder no live run is writing' },
        );
      }
      await rm(path, { force: true });
      log(owner ? `took over run folder '${this.location}' from process ${owner.pid} on ${owner.host}, which is no longer running` : `took over run folder '${this.location}' (its lock file was unreadable)`);
    }
    throw new TrainerError(`train: could not lock run folder '${this.location}': other runs keep taking it; choose another out`, { field: 'out', value: this.location, allowed: 'a folder no live run is writing' });
  }

  private async removeStaleTemporaryFiles(log: (line: string) => void): Promise<void> {
    let count = 0;
    let bytes = 0;
    for (const folder of ['', 'checkpoints']) {
      const names = await readdir(this.path(folder)).catch(() => [] as string[]);
      for (const name of names) {
        if (!isTemporaryFile(name) || processAlive(temporaryFileOwner(name))) continue;
        const path = join(this.path(folder), name);
        bytes += (await stat(path).catch(() => undefined))?.size ?? 0;
        await rm(path, { force: true });
        count++;
      }
    }
    if (count > 0) log(`removed ${count} temporary file${count === 1 ? '' : 's'} (${(bytes / 1e6).toFixed(1)} MB) left in '${this.location}' by interrupted saves`);
  }

  async close(): Promise<void> {
    this.opens = Math.max(0, this.opens - 1);
    if (this.opens > 0 || !this.locked) return;
    this.locked = false;
    await rm(this.path(LOCK_FILE), { force: true });
  }

  async list(folder: string): Promise<string[]> {
    try {
      const names = await readdir(this.path(folder));
      return names.filter((n) => n !== LOCK_FILE && !isTemporaryFile(n)).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw await explain(this.location, error);
    }
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    return readBoundedFile(this.path(name));
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    await mkdir(dirname(this.path(name)), { recursive: true });
    await writeFileAtomic(this.path(name), bytes);
  }

  async append(name: string, text: string): Promise<void> {
    await appendFile(this.path(name), text);
  }

  async remove(name: string): Promise<void> {
    await rm(this.path(name), { recursive: true, force: true });
  }
}

/** The run folder `folder` on disk as a `RunStorage` (see the file header). */
export function fileStorage(folder: string): FileStorage {
  return new FileStorage(folder);
}
