/**
 * Validating router and selection options with the shared checks of `@smoe/validate`. Every
 * strategy validates its configuration when it is built; an invalid one throws a
 * `RouterConfigError` that names the field, the value and what is allowed:
 * `tokenChoice: topK = 5 is not allowed; expected an integer in [1, 4] (the number of experts)`.
 */
import { createChecks, expectedWording } from '@smoe/validate';

export { orDefault } from '@smoe/validate';

/** An invalid router configuration. */
export class RouterConfigError extends Error {
  /** The strategy or selection rule, the field and the offending value. */
  constructor(readonly where: string, readonly field: string, readonly value: unknown, readonly allowed: string) {
    super(expectedWording.message(where, field, value, allowed));
    this.name = 'RouterConfigError';
  }
}

const checks = createChecks(expectedWording, ({ where, field, value, allowed }) => new RouterConfigError(where, field, value, allowed));

export const { checkInteger, checkNumber, checkOneOf, checkBoolean, checkKeys } = checks;

/** A non-negative loss coefficient. */
export function lossWeight(where: string, field: string, value: unknown): number {
  return checkNumber(where, field, value, 0, Infinity, {}, 'a loss coefficient; 0 turns the loss off');
}

/**
 * A capacity factor: null or 0 mean dropless; otherwise > 0. (An explicit per-expert
 * `capacity` must be a positive integer.)
 */
export function capacityFactorOption(where: string, field: string, value: unknown): number | null {
  if (value === null || value === 0) return null;
  return checkNumber(where, field, value, 0, Infinity, { min: true }, 'capacity factor; null or 0 means dropless');
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
