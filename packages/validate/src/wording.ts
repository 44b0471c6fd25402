/**
 * How a package words its config errors. Two sentence forms are in use and users know them:
 * `where: field = value is invalid; allowed: …` (`allowedWording`: datasets, moe, trainer,
 * tensor, hub) and `where: field = value is not allowed; expected …` (`expectedWording`: routers,
 * vq). A package takes one and overrides a spelling only where its messages already read
 * otherwise; the checks themselves (`createChecks`) are the same for every package.
 */
import { describeValue, type Quote } from './describe.js';

/** Which bounds of a number range are open (excluded); both are closed by default. */
export interface OpenBounds {
  min?: boolean;
  max?: boolean;
}

/**
 * The spellings of one package's config errors. Methods may use `this` (the wording they are
 * called on), so a copy with one spelling changed (`{ ...allowedWording, oneOf }`) keeps the
 * rest of its messages consistent.
 */
export interface Wording {
  /** How strings are quoted in messages. */
  readonly quote: Quote;
  /** The whole message for `field = value` of `where`, which is outside `allowed`. */
  message(where: string, field: string, value: unknown, allowed: string): string;
  /** What is allowed, for an integer in `[min, max]` (`max` may be `Infinity`). */
  integer(min: number, max: number): string;
  /** What is allowed, for a finite number between `min` and `max`. */
  number(min: number, max: number, open: OpenBounds): string;
  /** What is allowed, for one of a list of strings. */
  oneOf(allowed: readonly string[]): string;
  /** What is allowed, for a boolean. */
  readonly boolean: string;
  /** What is allowed, for a nested config. */
  readonly object: string;
  /** What is allowed instead of `key`, an option the config does not define, and the message. */
  unknownKey(where: string, key: string, value: unknown, known: readonly string[]): { allowed: string; message: string };
}

/** A bound as messages print it: `∞` for `Infinity`. */
function bound(value: number): string {
  return value === Infinity ? '∞' : value === -Infinity ? '-∞' : String(value);
}

/** An interval in the usual notation: `[0, 1)`, `(0, ∞)` (an infinite end is always open). */
export function interval(min: number, max: number, open: OpenBounds = {}): string {
  const left = open.min || min === -Infinity ? '(' : '[';
  const right = open.max || max === Infinity ? ')' : ']';
  return `${left}${bound(min)}, ${bound(max)}${right}`;
}

/** The house wording: `moe: experts = 0 is invalid; allowed: an integer ≥ 1`, strings in double quotes. */
export const allowedWording: Wording = {
  quote: '"',
  message(where, field, value, allowed) {
    return `${where}: ${field} = ${describeValue(value, this.quote)} is invalid; allowed: ${allowed}`;
  },
  integer: (min, max) => (max >= Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`),
  number: (min, max, open) => `a number in ${interval(min, max, open)}`,
  oneOf: (allowed) => `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
  boolean: 'true or false',
  object: 'an object',
  unknownKey(where, key, value, known) {
    const allowed = `a known field (${known.join(', ')})`;
    return { allowed, message: this.message(where, key, value, allowed) };
  },
};

/** The wording of routers and codebooks: `vq: codebookSize = 3 is not allowed; expected an integer in [4, ∞]`, strings in single quotes. */
export const expectedWording: Wording = {
  ...allowedWording,
  quote: "'",
  message(where, field, value, allowed) {
    return `${where}: ${field} = ${describeValue(value, this.quote)} is not allowed; expected ${allowed}`;
  },
  integer: (min, max) => `an integer in [${min}, ${bound(max)}]`,
  number: (min, max, open) => `a finite number in ${interval(min, max, open)}`,
  unknownKey(where, key, value, known) {
    const allowed = `no such option; known options: ${known.join(', ')}`;
    return { allowed, message: this.message(where, key, value, allowed) };
  },
};
