/**
 * The checks every config of smoe is built with. Each takes `where` (the layer, strategy or
 * function being configured), the field's name and the value as given, returns the value typed
 * when it is allowed, and otherwise throws the package's own error, worded by its `Wording`:
 * which field, what value, what is allowed. A mistyped option then fails when the object is
 * built, not as a shape error three layers later.
 */
import type { OpenBounds, Wording } from './wording.js';

/** One value that is not allowed: what the error is built from. */
export interface Issue {
  where: string;
  field: string;
  value: unknown;
  allowed: string;
  /** The message in the package's wording. */
  message: string;
}

/** The checks, bound to one package's wording and error type. */
export interface Checks {
  /** Throws the package's error for `field = value`, which is outside `allowed`. */
  invalid(where: string, field: string, value: unknown, allowed: string): never;
  /** An integer in `[min, max]`; `note` says why, in brackets after what is allowed. */
  checkInteger(where: string, field: string, value: unknown, min: number, max?: number, note?: string): number;
  /** A finite number between `min` and `max`, bounds closed unless `open` says otherwise. */
  checkNumber(where: string, field: string, value: unknown, min: number, max: number, open?: OpenBounds, note?: string): number;
  /** One of the listed strings. */
  checkOneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T;
  /** A boolean. */
  checkBoolean(where: string, field: string, value: unknown): boolean;
  /** A plain object (a nested config). */
  checkObject(where: string, field: string, value: unknown): Record<string, unknown>;
  /** Throws on a key of `config` outside `known` (a misspelt option must not be silently ignored); keys set to `undefined` count as absent. */
  checkKeys(where: string, config: unknown, known: readonly string[]): void;
}

const withNote = (allowed: string, note?: string): string => (note ? `${allowed} (${note})` : allowed);

/** The checks of a package whose errors read as `wording` says and are built by `error`. */
export function createChecks(wording: Wording, error: (issue: Issue) => Error): Checks {
  const fail = (where: string, field: string, value: unknown, allowed: string, message = wording.message(where, field, value, allowed)): never => {
    throw error({ where, field, value, allowed, message });
  };
  const checks: Checks = {
    invalid: (where, field, value, allowed) => fail(where, field, value, allowed),
    checkInteger(where, field, value, min, max = Infinity, note) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) fail(where, field, value, withNote(wording.integer(min, max), note));
      return value as number;
    },
    checkNumber(where, field, value, min, max, open = {}, note) {
      const ok = typeof value === 'number' && Number.isFinite(value) && (open.min ? value > min : value >= min) && (open.max ? value < max : value <= max);
      if (!ok) fail(where, field, value, withNote(wording.number(min, max, open), note));
      return value as number;
    },
    checkOneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(where, field, value, wording.oneOf(allowed));
      return value as T;
    },
    checkBoolean(where, field, value) {
      if (typeof value !== 'boolean') fail(where, field, value, wording.boolean);
      return value as boolean;
    },
    checkObject(where, field, value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, field, value, wording.object);
      return value as Record<string, unknown>;
    },
    checkKeys(where, config, known) {
      const fields = checks.checkObject(where, 'config', config);
      for (const [key, value] of Object.entries(fields)) {
        if (value === undefined || known.includes(key)) continue;
        const { allowed, message } = wording.unknownKey(where, key, value, known);
        fail(where, key, value, allowed, message);
      }
    },
  };
  return checks;
}

/** `value`, or `fallback` when it is undefined (lucidrains' `default` helper). */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
