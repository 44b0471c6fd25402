/**
 * Seeded random numbers: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32,
 * generated on the host so that the same seed gives the same numbers on every backend.
 * Normals by Box–Muller. The state is four 32-bit words and can be saved and restored, so a
 * checkpoint resumes the exact stream.
 */

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) >>> 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [x, (z ^ (z >>> 16)) >>> 0];
}

/** A seeded generator. */
export class Rng {
  private s: Uint32Array;
  private spare: number | undefined;

  /** `seed` may be any finite number or a saved state. */
  constructor(seed: number | RngState = 0) {
    if (typeof seed === 'object') {
      if (!Array.isArray(seed.words) || seed.words.length !== 4) throw new Error('Rng: a saved state needs 4 words');
      this.s = Uint32Array.from(seed.words);
      this.spare = seed.spare ?? undefined;
      return;
    }
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.s = new Uint32Array(4);
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(x);
      x = next;
      this.s[i] = out;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fills a new Float32Array of `n` uniforms in [low, high). */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.next();
    return out;
  }

  /** Fills a new Float32Array of `n` normals with the given mean and standard deviation. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Continues from a saved state (in place, so every holder of this generator resumes). */
  restore(state: RngState): void {
    const copy = new Rng(state);
    this.s = copy.s;
    this.spare = copy.spare;
  }

  /** The state, to save in a checkpoint. */
  state(): RngState {
    return { words: Array.from(this.s), spare: this.spare ?? null };
  }
}

/** A saved generator state. */
export interface RngState {
  words: number[];
  spare?: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalRng = new Rng(0);

/** Seeds the global generator used when an op is given no generator. */
export function seed(value: number): void {
  globalRng = new Rng(value);
}

/** The global generator. */
export function getRng(): Rng {
  return globalRng;
}
