/**
 * Where a run keeps its files: the small interface `train()` writes through, so the loop itself
 * runs anywhere. Files are named by paths relative to the run ('metrics.jsonl',
 * 'checkpoints/step-00000004.safetensors'). Implementations: `fileStorage(folder)` in
 * `@smoe/trainer/node` (a run folder on disk: atomic writes, a one-writer lock, clean-up after
 * killed writers), and `memoryStorage()` here (tests, and a browser page that downloads or
 * stores the bytes itself). Browser-safe.
 */

/** The files of one run. */
export interface RunStorage {
  /** Where the files are, for messages (a folder path, 'memory'). */
  readonly location: string;
  /**
   * Claims the storage for one writer and tidies what dead writers left, reporting what it did
   * through `log`; `train()` calls it once before anything else and `close()` when it ends.
   */
  open(log: (line: string) => void): Promise<void>;
  /** Releases what `open` claimed. */
  close(): Promise<void>;
  /** Names of the entries directly in `folder` ('' for the top); [] when it does not exist. */
  list(folder: string): Promise<string[]>;
  /** The bytes of file `name`; undefined when there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Replaces file `name` with `bytes` in one step: a crash leaves the old file or the new one. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Appends `text` to file `name` (creating it). */
  append(name: string, text: string): Promise<void>;
  /** Deletes file or folder `name` and everything in it; nothing when absent. */
  remove(name: string): Promise<void>;
  /** How file `name` is shown to users and returned in summaries (a file path). */
  path(name: string): string;
}

/** A run's files in memory: a Map from name to bytes, which `files` exposes. */
export interface MemoryStorage extends RunStorage {
  readonly files: Map<string, Uint8Array>;
}

/** Storage that keeps a run's files in memory (see the file header). */
export function memoryStorage(location = 'memory'): MemoryStorage {
  const files = new Map<string, Uint8Array>();
  const under = (name: string, folder: string): boolean => folder === '' || name.startsWith(`${folder}/`);
  return {
    location,
    files,
    open: async () => undefined,
    close: async () => undefined,
    list: async (folder) => {
      const entries = new Set<string>();
      for (const name of files.keys()) if (under(name, folder)) entries.add(name.slice(folder === '' ? 0 : folder.length + 1).split('/')[0]);
      return [...entries].sort();
    },
    read: async (name) => files.get(name)?.slice(),
    write: async (name, bytes) => void files.set(name, bytes.slice()),
    append: async (name, text) => {
      const added = new TextEncoder().encode(text);
      const old = files.get(name) ?? new Uint8Array(0);
      const joined = new Uint8Array(old.length + added.length);
      joined.set(old);
      joined.set(added, old.length);
      files.set(name, joined);
    },
    remove: async (name) => {
      for (const key of [...files.keys()]) if (key === name || under(key, name)) files.delete(key);
    },
    path: (name) => `${location}/${name}`,
  };
}
