/**
 * Validation shared by every config in this package. An invalid value throws a `TrainerError`
 * that names where it happened, the field, the value and what is allowed, so a mistyped option
 * fails when it is built instead of halfway through a run. Browser-safe (no Node imports).
 */

/** The one error type of this package; `field`, `value` and `allowed` are set for config errors. */
export class TrainerError extends Error {
  readonly field: string | undefined;
  readonly value: unknown;
  readonly allowed: string | undefined;

  constructor(message: string, details: { field?: string; value?: unknown; allowed?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TrainerError';
    this.field = details.field;
    this.value = details.value;
    this.allowed = details.allowed;
  }
}

/** Short printable form of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Throws `where: field = value is invalid; allowed: ...`. */
export function invalid(where: string, field: string, value: unknown, allowed: string): never {
  throw new TrainerError(`${where}: ${field} = ${describeValue(value)} is invalid; allowed: ${allowed}`, { field, value, allowed });
}

/** A finite number in `[min, max]` (or the open bound when `open` says so). */
export function checkNumber(where: string, field: string, value: unknown, min: number, max: number, open: { min?: boolean; max?: boolean } = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (open.min ? value > min : value >= min) &&
    (open.max ? value < max : value <= max);
  if (!ok) invalid(where, field, value, `a number in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`);
  return value as number;
}

/** An integer in `[min, max]`. */
export function checkInteger(where: string, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(where, field, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);
  }
  return value as number;
}

/** One of the listed strings. */
export function checkChoice<T extends string>(where: string, field: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) invalid(where, field, value, choices.map((c) => `'${c}'`).join(' | '));
  return value as T;
}

/** Rejects keys a config does not define (a typo would otherwise be silently ignored). */
export function checkKeys(where: string, config: object, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new TrainerError(`${where}: unknown option '${key}'; allowed: ${known.join(', ')}`, { field: key, value: (config as Record<string, unknown>)[key], allowed: known.join(', ') });
    }
  }
}
