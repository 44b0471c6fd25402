/**
 * Validating router and selection options. Every strategy validates its configuration when it
 * is built; an invalid one throws a `RouterConfigError` that names the field, the value and
 * what is allowed: `tokenChoice: topK = 5 is not allowed; expected an integer in [1, 4] (the number of experts)`.
 */

/** An invalid router configuration. */
export class RouterConfigError extends Error {
  /** The strategy or selection rule, the field and the offending value. */
  constructor(readonly where: string, readonly field: string, readonly value: unknown, readonly allowed: string) {
    super(`${where}: ${field} = ${show(value)} is not allowed; expected ${allowed}`);
    this.name = 'RouterConfigError';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Float32Array || value instanceof Int32Array) return `${value.constructor.name}(${value.length})`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? `[${value.join(', ')}]` : Object.prototype.toString.call(value);
  return String(value);
}

/** The value, or the default when it is undefined (lucidrains' `default`). */
export function defaultTo<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** Throws on option names the strategy does not know (catches typos such as `topk`). */
export function checkKeys(where: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) throw new RouterConfigError(where, key, (options as Record<string, unknown>)[key], `no such option; known options: ${allowed.join(', ')}`);
  }
}

/** An integer in [min, max]. */
export function integerIn(where: string, field: string, value: unknown, min: number, max = Infinity, note = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RouterConfigError(where, field, value, `an integer in [${min}, ${max === Infinity ? '∞' : max}]${note ? ` (${note})` : ''}`);
  }
  return value;
}

/** A finite number in a range; `open` makes the bounds exclusive. */
export function numberIn(where: string, field: string, value: unknown, min: number, max: number, open: { min?: boolean; max?: boolean } = {}, note = ''): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (open.min ? value > min : value >= min) && (open.max ? value < max : value <= max);
  if (!ok) {
    const lo = `${open.min ? '(' : '['}${min}`;
    const hi = `${max === Infinity ? '∞' : max}${open.max || max === Infinity ? ')' : ']'}`;
    throw new RouterConfigError(where, field, value, `a finite number in ${lo}, ${hi}${note ? ` (${note})` : ''}`);
  }
  return value as number;
}

/** One of the allowed strings. */
export function oneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RouterConfigError(where, field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** A boolean. */
export function bool(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new RouterConfigError(where, field, value, 'true or false');
  return value;
}

/** A non-negative loss coefficient. */
export function lossWeight(where: string, field: string, value: unknown): number {
  return numberIn(where, field, value, 0, Infinity, {}, 'a loss coefficient; 0 turns the loss off');
}

/**
 * A capacity factor: null or 0 mean dropless; otherwise > 0. (An explicit per-expert
 * `capacity` must be a positive integer.)
 */
export function capacityFactorOption(where: string, field: string, value: unknown): number | null {
  if (value === null || value === 0) return null;
  return numberIn(where, field, value, 0, Infinity, { min: true }, 'capacity factor; null or 0 means dropless');
}

/** The entries of `options` whose keys are in `keys` (undefined ones left out). */
export function pick<T extends object>(options: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
