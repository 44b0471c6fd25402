/**
 * Split names and the fixed split rules of the text corpora. The rules are deterministic
 * functions of a chapter number or a year, so a split never changes between runs, machines
 * or package versions, and no character of one split appears in another:
 *   Moby Dick — chapters whose number ends in 5 → validation, ends in 0 → test, every other
 *     section (Contents, Etymology, Extracts, the other chapters, Epilogue) → train.
 *   State of the Union — addresses from years ending in 5 → validation, ending in 0 → test,
 *     every other year → train (both 1953 and both 1961 addresses go to train).
 * Pure.
 */
import { checkOneOf } from './validate.js';

export const splitNames = ['train', 'validation', 'test'] as const;
export type Split = (typeof splitNames)[number];

/** Validates a split name, naming the caller in the error. */
export function checkSplit(where: string, split: unknown, allowed: readonly Split[] = splitNames): Split {
  return checkOneOf(where, 'split', split, allowed);
}

/** The split of a number (chapter or year) under the "ends in 5 / ends in 0" rule. */
export function splitByLastDigit(value: number): Split {
  const digit = ((value % 10) + 10) % 10;
  if (digit === 5) return 'validation';
  if (digit === 0) return 'test';
  return 'train';
}
