import type { FieldError } from './validate-payload';

/** Stable codes for why a job was dead-lettered; operators filter and alert on these. */
export const DEAD_LETTER_CODES = {
  payloadInvalid: 'PAYLOAD_INVALID',
  rejected: 'ROPO_REJECTED',
  attemptsExhausted: 'ATTEMPTS_EXHAUSTED',
  unexpectedResponse: 'ROPO_UNEXPECTED_RESPONSE',
  /** BullMQ failed the job because its workers died or hung while holding it, again and again. */
  stalled: 'JOB_STALLED',
  /** An error escaped the pipeline's own handling on the last attempt (e.g. Redis failed mid-job). */
  internal: 'INTERNAL_ERROR',
  /** A broker message whose bytes are not JSON at all; the record holds the raw body, size-capped. */
  eventMalformed: 'EVENT_MALFORMED',
} as const;

/** Why a job ended in the dead-letter queue. */
export interface DeadLetterReason {
  code: string;
  message: string;
  /** Field errors when the payload failed validation. */
  errors?: FieldError[];
  /** The HTTP status of Ropo One's last answer, when there was one. */
  httpStatus?: number;
  /** Ropo One's `Error` body, when it sent one. */
  ropoError?: { Code?: number; Message?: string };
  /** The last error's code when attempts ran out (e.g. ROPO_UNAVAILABLE). */
  lastErrorCode?: string;
}

/** One failed attempt, as kept in the record. */
export interface AttemptRecord {
  attempt: number;
  at: string;
  code: string;
  message: string;
}

/** A dead-letter record: everything needed to understand the failure and replay the job. */
export interface DeadLetterRecord {
  version: 1;
  /** The onboarding job that failed. */
  jobId: string;
  businessId: string | null;
  payload: unknown;
  eventId?: string;
  source?: string;
  receivedAt?: string;
  reason: DeadLetterReason;
  attempts: AttemptRecord[];
  lineage: { originalJobId: string; replayOf?: string; replayCount: number };
  deadLetteredAt: string;
}

/** Dead-letter job id for an onboarding job: one record per terminal failure, however often the write is retried. */
export function deadLetterJobId(jobId: string): string {
  return `dl-${jobId}`;
}
