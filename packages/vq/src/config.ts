/**
 * Validating quantizer configurations with the shared checks of `@smoe/validate`. Every
 * quantizer checks its configuration when it is built; an invalid one throws a `VQConfigError`
 * naming the field, the value and what is allowed:
 * `Codebook: dampRate = 1.5 is not allowed; expected a finite number in (0, 1)`.
 */
import { createChecks, expectedWording } from '@smoe/validate';

export { orDefault } from '@smoe/validate';

/** An invalid quantizer configuration (or an input that does not fit it). */
export class VQConfigError extends Error {
  /** The quantizer, the field and the offending value. */
  constructor(readonly where: string, readonly field: string, readonly value: unknown, readonly allowed: string) {
    super(expectedWording.message(where, field, value, allowed));
    this.name = 'VQConfigError';
  }
}

const checks = createChecks(expectedWording, ({ where, field, value, allowed }) => new VQConfigError(where, field, value, allowed));

export const { checkInteger, checkNumber, checkOneOf, checkBoolean, checkKeys } = checks;

/** Largest integer kernels hold exactly (int32 tensors live in float32 storage). */
export const EXACT_INDEX_LIMIT = 2 ** 24;
