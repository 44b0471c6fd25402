/**
 * Split ratios and a stratified, seeded train/validation/test split. Within each stratum
 * (e.g. each SpamAssassin group) the members are permuted with a seed derived from `seed` and
 * the stratum's order of first appearance; the first round(n · validation) go to validation,
 * the next round(n · test) to test, the rest to train. Indices come back sorted, so a split
 * keeps the source order; shuffling is the batch iterator's job. Ratios must each be in
 * [0, 1] and sum to 1 (± 1e-9). Default ratios: 0.8 / 0.1 / 0.1. Pure.
 */
import { createRng, deriveSeed } from './rng.js';
import type { Split } from './splits.js';
import { checkNumber, checkSeed, invalid } from './validate.js';

export interface SplitRatios {
  train: number;
  validation: number;
  test: number;
}

export const defaultRatios: Readonly<SplitRatios> = Object.freeze({ train: 0.8, validation: 0.1, test: 0.1 });

/** Validates ratios: each in [0, 1], summing to 1. */
export function checkRatios(where: string, ratios: unknown): SplitRatios {
  if (typeof ratios !== 'object' || ratios === null) invalid(where, 'ratios', ratios, '{ train, validation, test } numbers in [0, 1] summing to 1');
  const r = ratios as Partial<SplitRatios>;
  const train = checkNumber(where, 'ratios.train', r.train, 0, 1);
  const validation = checkNumber(where, 'ratios.validation', r.validation, 0, 1);
  const test = checkNumber(where, 'ratios.test', r.test, 0, 1);
  if (Math.abs(train + validation + test - 1) > 1e-9) {
    invalid(where, 'ratios', ratios, 'train + validation + test = 1');
  }
  return { train, validation, test };
}

/** Indices of each split, stratified by `strata` (one key per item). */
export function stratifiedSplit(
  strata: ArrayLike<string | number>,
  ratios: SplitRatios = defaultRatios,
  seed = 0,
): Record<Split, Int32Array> {
  const checked = checkRatios('stratifiedSplit', ratios);
  checkSeed('stratifiedSplit', seed);
  const members = new Map<string | number, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const key = strata[i];
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(i);
  }
  const out: Record<Split, number[]> = { train: [], validation: [], test: [] };
  let stratum = 0;
  for (const list of members.values()) {
    const order = createRng(deriveSeed(seed, stratum++)).shuffle(list.slice());
    const n = order.length;
    const validation = Math.min(n, Math.round(n * checked.validation));
    const test = Math.min(n - validation, Math.round(n * checked.test));
    out.validation.push(...order.slice(0, validation));
    out.test.push(...order.slice(validation, validation + test));
    out.train.push(...order.slice(validation + test));
  }
  const sorted = (list: number[]): Int32Array => Int32Array.from(list).sort();
  return { train: sorted(out.train), validation: sorted(out.validation), test: sorted(out.test) };
}
