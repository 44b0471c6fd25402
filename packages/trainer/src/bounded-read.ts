/**
 * Reading a run's file with limits, before a byte is allocated: the path must be a regular file
 * (not a device such as /dev/zero, a pipe or a folder) no larger than `maxBytes` (default 4 GiB,
 * far above any checkpoint these models write). Node only.
 */
import { readFile, stat } from 'node:fs/promises';
import { TrainerError } from './validate.js';

/** Files larger than this are refused unless a larger limit is given. */
export const MAX_FILE_BYTES = 4 * 2 ** 30;

/** The bytes of the regular file at `path`; undefined when there is none. */
export async function readBoundedFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<Uint8Array | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new TrainerError(`cannot read '${path}' (${code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : (error as Error).message})`, { cause: error });
  }
  if (!info.isFile()) {
    const kind = info.isDirectory() ? 'a folder' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isFIFO() ? 'a pipe' : 'not a regular file';
    throw new TrainerError(`'${path}' is ${kind}; give the path of a regular file`);
  }
  if (info.size > maxBytes) throw new TrainerError(`'${path}' is ${info.size} bytes, more than the ${maxBytes} allowed; it is not a file this run wrote`);
  try {
    return await readFile(path);
  } catch (error) {
    throw new TrainerError(`cannot read '${path}' (${(error as Error).message})`, { cause: error });
  }
}
