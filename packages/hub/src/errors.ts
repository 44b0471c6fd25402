/**
 * HubError: a Hugging Face folder that cannot be read or a model that cannot be written in a
 * layout; the message says what and how to fix it. Options are checked with the shared checks
 * of `@smoe/validate` (`saveHuggingFace: maxShardBytes = 0 is invalid; allowed: …`).
 */
import { allowedWording, createChecks, type Checks } from '@smoe/validate';

/** The one error type of this package. */
export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubError';
  }
}

const checks = createChecks(allowedWording, ({ message }) => new HubError(message));

export const { checkOneOf } = checks;
// Annotated so that type narrowing knows a call never returns.
export const invalid: Checks['invalid'] = checks.invalid;
