/**
 * Seeded pseudo-random numbers for shuffling, splitting and corruptions.
 *
 * Generator: mulberry32 (Tommy Ettinger, 2017) — one 32-bit state word, period 2^32, passes
 * gjrand/PractRand to a few GB, which is plenty for shuffles and noise. Each draw:
 *   state += 0x6D2B79F5; t = state; t = (t ^ t >>> 15) * (t | 1); t ^= t + (t ^ t >>> 7) * (t | 61);
 *   u32 = t ^ t >>> 14
 * `next()` is u32 / 2^32 in [0, 1); `int(n)` is floor(next() * n) (bias < n / 2^32);
 * `normal()` is Box–Muller using two draws (the second value is discarded so the state
 * advances by exactly two per call). `deriveSeed(seed, ...streams)` hashes a seed with stream
 * numbers (epoch, image index, ...) into an independent 32-bit seed, so one user seed fans out
 * into reproducible sub-streams. Same seed, same numbers, on every platform. Pure.
 */
import { checkInteger, checkSeed } from './validate.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n), n >= 1. */
  int(n: number): number;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T;
  /** The 32-bit state, to save and resume the stream. */
  state(): number;
  /** Sets the state saved by `state()`. */
  restore(state: number): void;
}

/** A mulberry32 generator seeded with `seed` (any safe integer; reduced to 32 bits). */
export function createRng(seed: number): Rng {
  let s = checkSeed('createRng', seed) >>> 0;
  const nextUint32 = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  const int = (n: number): number => {
    if (!(n >= 1) || !Number.isInteger(n)) checkInteger('Rng.int', 'n', n, 1);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    normal(): number {
      const u = 1 - next(); // (0, 1], so log is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    state: () => s,
    restore(state: number): void {
      s = checkInteger('Rng.restore', 'state', state, 0, 0xffffffff);
    },
  };
}

/** Mixes a seed with stream numbers into a new 32-bit seed (murmur3 finaliser per step). */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = (checkSeed('deriveSeed', seed) >>> 0) ^ 0x9e3779b9;
  // Fold in the high bits too, so seeds differing only above 2^32 give different streams.
  h = mix32(h ^ Math.floor(Math.abs(seed) / 4294967296));
  for (const stream of streams) h = mix32((h + 0x9e3779b9 + (stream >>> 0)) >>> 0);
  return h;
}

function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `k` distinct integers from [0, n), in random order (partial Fisher–Yates). */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const take = Math.min(k, n);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return pool.slice(0, take);
}

/** A seeded permutation of [0, n). */
export function permutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return createRng(seed).shuffle(order);
}
