/**
 * Validation for every config in this package: the shared checks of `@smoe/validate`, throwing
 * a `TrainerError` that names where it happened, the field, the value and what is allowed, so a
 * mistyped option fails when it is built instead of halfway through a run. Browser-safe (no
 * Node imports).
 */
import { allowedWording, createChecks, type Checks, type Wording } from '@smoe/validate';

export { describeValue } from '@smoe/validate';

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

/** The house wording, spelt as this package's messages always were: `an integer >= 1`, `a number in [0, Infinity]`, `'min' | 'max'`, `unknown option 'x'`. */
const wording: Wording = {
  ...allowedWording,
  integer: (min, max) => (max >= Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`),
  number: (min, max, open) => `a number in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`,
  oneOf: (allowed) => allowed.map((a) => `'${a}'`).join(' | '),
  unknownKey: (where, key, _value, known) => ({ allowed: known.join(', '), message: `${where}: unknown option '${key}'; allowed: ${known.join(', ')}` }),
};

const checks = createChecks(wording, ({ message, field, value, allowed }) => new TrainerError(message, { field, value, allowed }));

export const { checkInteger, checkNumber, checkOneOf, checkKeys } = checks;
// Annotated so that type narrowing knows a call never returns.
export const invalid: Checks['invalid'] = checks.invalid;
