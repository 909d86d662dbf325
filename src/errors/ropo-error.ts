/** Stable codes for every failure of a call to Ropo One; dead-letter records and metrics key on them. */
export type RopoErrorCode =
  | 'ROPO_REJECTED'
  | 'ROPO_DUPLICATE'
  | 'ROPO_AUTH'
  | 'ROPO_RATE_LIMITED'
  | 'ROPO_UNAVAILABLE'
  | 'ROPO_UNEXPECTED_RESPONSE';

/** Ropo One's documented error body, `Error {Code, Message}` (Message already redacted). */
export interface RopoErrorBody {
  Code: number;
  Message: string;
}

/** What every Ropo error may carry besides its message. */
export interface RopoErrorDetails {
  status?: number;
  ropoError?: RopoErrorBody;
  retryAfterMs?: number;
  /** True when the request may have been processed although no answer arrived (timeout, reset, 500/502/504). */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/** Base class of every classified Ropo One failure: a stable `code` and whether trying again can help. */
export abstract class RopoError extends Error {
  abstract readonly code: RopoErrorCode;
  abstract readonly retryable: boolean;
  readonly status?: number;
  readonly ropoError?: RopoErrorBody;
  readonly retryAfterMs?: number;
  readonly outcomeUnknown: boolean;

  constructor(message: string, details: RopoErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.ropoError = details.ropoError;
    this.retryAfterMs = details.retryAfterMs;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }

  /** A log- and dead-letter-friendly view: no cause chain (it may hold request config with secrets). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      ropoError: this.ropoError,
      retryAfterMs: this.retryAfterMs,
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

/** True for any classified Ropo One failure. */
export function isRopoError(error: unknown): error is RopoError {
  return error instanceof RopoError;
}
