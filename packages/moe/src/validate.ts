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
