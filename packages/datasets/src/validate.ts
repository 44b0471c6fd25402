/**
 * Validation for every config in this package: the shared checks of `@smoe/validate`, throwing
 * a `DatasetError` that names where it happened, the field, the value and what is allowed, so a
 * mistyped option fails loudly at construction instead of silently producing odd data. Pure (no
 * Node imports).
 */
import { allowedWording, createChecks, orDefault, type Checks, type Wording } from '@smoe/validate';

export { describeValue } from '@smoe/validate';

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

/** The house wording, with choices written as this package's users know them: `"train" | "test"`. */
const wording: Wording = { ...allowedWording, oneOf: (allowed) => allowed.map((a) => JSON.stringify(a)).join(' | ') };

const checks = createChecks(wording, ({ message, field, value, allowed }) => new DatasetError(message, { field, value, allowed }));

export const { checkInteger, checkNumber, checkOneOf } = checks;
// Annotated so that type narrowing knows a call never returns.
export const invalid: Checks['invalid'] = checks.invalid;

/** A boolean, or `fallback` when undefined. */
export function checkBoolean(where: string, field: string, value: unknown, fallback: boolean): boolean {
  return checks.checkBoolean(where, field, orDefault(value, fallback));
}

/** A seed: any safe integer (it is reduced to 32 bits by the RNG). */
export function checkSeed(where: string, value: unknown, field = 'seed'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(where, field, value, 'a safe integer');
  return value as number;
}

/** Severity of a corruption: 1 (mild) to 5 (strong). */
export function checkSeverity(where: string, value: unknown): 1 | 2 | 3 | 4 | 5 {
  return checkInteger(where, 'severity', value, 1, 5) as 1 | 2 | 3 | 4 | 5;
}
