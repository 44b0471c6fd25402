/**
 * Config validation shared by every layer and model of this package. An invalid value throws a
 * `ConfigError` that names where it happened, the field, the value and what is allowed, so a
 * mistyped option fails when the layer is built, not as a shape error three layers later.
 */

/** The config error of this package; `field`, `value` and `allowed` say what was wrong. */
export class ConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(where: string, field: string, value: unknown, allowed: string) {
    super(`${where}: ${field} = ${describeValue(value)} is invalid; allowed: ${allowed}`);
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Short printable form of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Throws a `ConfigError`. */
export function invalid(where: string, field: string, value: unknown, allowed: string): never {
  throw new ConfigError(where, field, value, allowed);
}

/** An integer in [min, max]. */
export function checkInteger(where: string, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(where, field, value, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`);
  }
  return value;
}

/** A finite number in [min, max] (or [min, max) with `openMax`). */
export function checkNumber(where: string, field: string, value: unknown, min: number, max: number, openMax = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (openMax && value === max)) {
    invalid(where, field, value, `a number in [${min}, ${max}${openMax ? ')' : ']'}`);
  }
  return value;
}

/** One of the listed strings. */
export function checkOneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(where, field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(where, field, value, 'true or false');
  return value;
}

/** A plain object (a nested config). */
export function checkObject(where: string, field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(where, field, value, 'an object');
  return value as Record<string, unknown>;
}

/** Throws on keys the config does not know (a misspelt option must not be silently ignored). */
export function checkKeys(where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) invalid(where, key, (value as Record<string, unknown>)[key], `a known field (${known.join(', ')})`);
  }
}

/** `value ?? fallback`, the lucidrains `default` helper. */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * `config` with fields given under a former name moved to the current one (`renamed`: former →
 * current), so configs saved before a rename (checkpoints, run summaries) still load. A config
 * that gives both names is refused: which value was meant cannot be told.
 */
export function withCurrentNames<T extends object>(where: string, config: T, renamed: Readonly<Record<string, string>>): T {
  const out = { ...config } as Record<string, unknown>;
  for (const [former, current] of Object.entries(renamed)) {
    if (!(former in out)) continue;
    if (out[former] !== undefined && out[current] !== undefined) {
      invalid(where, former, out[former], `absent beside ${current} (${former} is ${current}'s former name; keep only ${current})`);
    }
    if (out[former] !== undefined) out[current] = out[former];
    delete out[former];
  }
  return out as T;
}
