import type { FieldError } from './validate-payload';

/** A payload failed the contract; `errors` names each field, rule and the value's shape. */
export class PayloadInvalidError extends Error {
  readonly code = 'PAYLOAD_INVALID';
  readonly retryable = false;
  constructor(readonly errors: FieldError[]) {
    super(`payload invalid: ${errors.map((e) => `${e.path || '(root)'} ${e.code}`).join(', ')}`);
    this.name = 'PayloadInvalidError';
  }
}
