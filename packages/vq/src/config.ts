/**
 * Validating quantizer configurations. Every quantizer checks its configuration when it is
 * built; an invalid one throws a `VQConfigError` naming the field, the value and what is
 * allowed: `Codebook: dampRate = 1.5 is not allowed; expected a finite number in (0, 1)`.
 */

/** An invalid quantizer configuration (or an input that does not fit it). */
export class VQConfigError extends Error {
  /** The quantizer, the field and the offending value. */
  constructor(readonly where: string, readonly field: string, readonly value: unknown, readonly allowed: string) {
    super(`${where}: ${field} = ${show(value)} is not allowed; expected ${allowed}`);
    this.name = 'VQConfigError';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    // Objects with their own description (tensors) show it; plain objects as JSON.
    if (value.toString !== Object.prototype.toString) return String(value);
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  }
  return String(value);
}

/** The value, or the default when it is undefined (lucidrains' `default`). */
export function defaultTo<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** Throws on option names the quantizer does not know (catches typos such as `comitmentWeight`). */
export function checkKeys(where: string, options: object, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new VQConfigError(where, 'config', options, 'an object of options');
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw new VQConfigError(where, key, value, `no such option; known options: ${allowed.join(', ')}`);
  }
}

/** An integer in [min, max]. */
export function integerIn(where: string, field: string, value: unknown, min: number, max = Infinity, note = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new VQConfigError(where, field, value, `an integer in [${min}, ${max === Infinity ? '∞' : max}]${note ? ` (${note})` : ''}`);
  }
  return value;
}

/** A finite number in a range; `open` makes the bounds exclusive. */
export function numberIn(where: string, field: string, value: unknown, min: number, max: number, open: { min?: boolean; max?: boolean } = {}, note = ''): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (open.min ? value > min : value >= min) &&
    (open.max ? value < max : value <= max);
  if (!ok) {
    const lo = `${open.min ? '(' : '['}${min}`;
    const hi = `${max === Infinity ? '∞' : max}${open.max || max === Infinity ? ')' : ']'}`;
    throw new VQConfigError(where, field, value, `a finite number in ${lo}, ${hi}${note ? ` (${note})` : ''}`);
  }
  return value as number;
}

/** One of the allowed strings. */
export function oneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new VQConfigError(where, field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** A boolean. */
export function bool(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new VQConfigError(where, field, value, 'true or false');
  return value;
}

/** Largest integer kernels hold exactly (int32 tensors live in float32 storage). */
export const EXACT_INDEX_LIMIT = 2 ** 24;
