/**
 * Config validation for every layer and model of this package: the shared checks of
 * `@smoe/validate`, throwing this package's `ConfigError`, which names where it happened, the
 * field, the value and what is allowed — so a mistyped option fails when the layer is built,
 * not as a shape error three layers later.
 */
import { allowedWording, createChecks, type Checks } from '@smoe/validate';

export { orDefault } from '@smoe/validate';

/** The config error of this package; `field`, `value` and `allowed` say what was wrong. */
export class ConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(where: string, field: string, value: unknown, allowed: string) {
    super(allowedWording.message(where, field, value, allowed));
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

const checks = createChecks(allowedWording, ({ where, field, value, allowed }) => new ConfigError(where, field, value, allowed));

export const { checkInteger, checkNumber, checkOneOf, checkBoolean, checkObject, checkKeys } = checks;
// Annotated so that type narrowing knows a call never returns.
export const invalid: Checks['invalid'] = checks.invalid;
