import { DEAD_LETTER_CODES, type DeadLetterReason } from '../contracts/dead-letter-record';
import type { FailureCode } from '../contracts/failure-code';
import { isRopoError, type RopoErrorBody } from '../errors/ropo-error';
import { isBrokenCircuit } from './circuit-breaker';
import type { HoldReason } from './pipeline-observer';

/** What the pipeline keeps of any error thrown while calling Ropo One. */
export interface ClassifiedError {
  code: FailureCode;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  ropoError?: RopoErrorBody;
}

/** What to do with a job whose call to Ropo One failed. */
export type Decision =
  /** Put the job back without spending an attempt and hold every worker; `holdMs` undefined: the caller's default for `reason`. */
  | { action: 'hold'; reason: Exclude<HoldReason, 'auth'>; holdMs?: number }
  /** Our configuration is wrong (credentials, contract, base URL): pause the queue and alert. */
  | { action: 'pause'; failure: ClassifiedError }
  /** Ropo One already has the business id: the job settles as `exists`. */
  | { action: 'settle-exists' }
  /** Spend this attempt; BullMQ retries with backoff. */
  | { action: 'retry'; failure: ClassifiedError }
  /** Terminal: write the dead letter with `reason`. */
  | { action: 'dead-letter'; failure: ClassifiedError; reason: DeadLetterReason };

/**
 * Reads the stable fields of a classified Ropo failure; anything else (a bug, a Redis error) is
 * INTERNAL_ERROR and retryable, because the job itself may well be fine.
 */
export function classifyFailure(error: unknown): ClassifiedError {
  if (isRopoError(error)) {
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      httpStatus: error.status,
      ropoError: error.ropoError,
    };
  }
  return {
    code: DEAD_LETTER_CODES.internal,
    message: error instanceof Error ? error.message : String(error),
    retryable: true,
  };
}

/**
 * Faults of our configuration rather than of the job: refused credentials or contract, and a
 * 404/405 (a wrong ROPO_BASE_URL). Dead-lettering would fail every job in the queue alike.
 */
function isConfigurationFault(failure: ClassifiedError): boolean {
  return failure.code === 'ROPO_AUTH' || failure.httpStatus === 404 || failure.httpStatus === 405;
}

/**
 * The whole meaning of a failed call, as one pure function of the error and the attempt
 * (1-based) against the job's attempt budget. Systemic faults hold or pause the queue instead of
 * burning attempts; permanent ones and the last attempt dead-letter.
 */
export function decide(error: unknown, attempt: number, maxAttempts: number): Decision {
  if (isBrokenCircuit(error)) return { action: 'hold', reason: 'breaker_open' };
  const failure = classifyFailure(error);
  if (failure.code === 'ROPO_DUPLICATE') return { action: 'settle-exists' };
  if (isRopoError(error)) {
    if (error.code === 'ROPO_RATE_LIMITED')
      return { action: 'hold', reason: 'rate_limited', holdMs: error.retryAfterMs };
    // A 503 that says when to come back was not processed and is Ropo's fault, not the job's.
    if (error.code === 'ROPO_UNAVAILABLE' && error.retryAfterMs !== undefined && !error.outcomeUnknown) {
      return { action: 'hold', reason: 'unavailable', holdMs: error.retryAfterMs };
    }
  }
  if (isConfigurationFault(failure)) return { action: 'pause', failure };
  if (!failure.retryable)
    return { action: 'dead-letter', failure, reason: reasonOf(failure, attempt, false) };
  if (attempt >= maxAttempts)
    return { action: 'dead-letter', failure, reason: reasonOf(failure, attempt, true) };
  return { action: 'retry', failure };
}

function reasonOf(failure: ClassifiedError, attempt: number, exhausted: boolean): DeadLetterReason {
  return {
    code: exhausted ? DEAD_LETTER_CODES.attemptsExhausted : failure.code,
    message: exhausted
      ? `${attempt} attempt(s) failed; the last with ${failure.code}: ${failure.message}`
      : failure.message,
    httpStatus: failure.httpStatus,
    ropoError: failure.ropoError,
    lastErrorCode: exhausted ? failure.code : undefined,
  };
}
