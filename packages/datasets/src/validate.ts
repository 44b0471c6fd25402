/**
 * Validation helpers shared by every config in this package. An invalid value throws a
 * `DatasetError` that names where it happened, the field, the value and what is allowed,
 * so a mistyped option fails loudly at construction instead of silently producing odd data.
 * Pure (no Node imports).
 */

/** The one error type of this package; `field`, `value` and `allowed` are set for config errors. */
export class DatasetError extends Error {
  readonly field: string | undefined;
  readonly value: unknown;
  readonly allowed: string | undefined;

  constructor(message: string, details: { field?: string; value?: unknown; allowed?: string } = {}) {
    super(message);
    this.name = 'DatasetError';
    this.field = details.field;
    this.value = details.value;
    this.allowed = details.allowed;
  }
}

/** Short printable form of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Throws a `DatasetError` of the form `where: field = value is invalid; allowed: ...`. */
export function invalid(where: string, field: string, value: unknown, allowed: string): never {
  throw new DatasetError(`${where}: ${field} = ${describeValue(value)} is invalid; allowed: ${allowed}`, {
    field,
    value,
    allowed,
  });
}

/** An integer in `[min, max]`. */
export function checkInteger(where: string, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    invalid(where, field, value, range);
  }
  return value;
}

/** A finite number in `[min, max]`. */
export function checkNumber(where: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalid(where, field, value, `a number in [${min}, ${max}]`);
  }
  return value;
}

/** One of a fixed list of strings. */
export function checkOneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(where, field, value, allowed.map((a) => JSON.stringify(a)).join(' | '));
  }
  return value as T;
}

/** A boolean, or `fallback` when undefined. */
export function checkBoolean(where: string, field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(where, field, value, 'true | false');
  return value;
}

/** A seed: any safe integer (it is reduced to 32 bits by the RNG). */
export function checkSeed(where: string, value: unknown, field = 'seed'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(where, field, value, 'a safe integer');
  return value;
}

/** Severity of a corruption: 1 (mild) to 5 (strong). */
export function checkSeverity(where: string, value: unknown): 1 | 2 | 3 | 4 | 5 {
  return checkInteger(where, 'severity', value, 1, 5) as 1 | 2 | 3 | 4 | 5;
}
