import type { RopoErrorCode } from '../errors/ropo-error';

/**
 * Every stable code a failure can carry, in attempt logs, dead-letter records and metrics.
 * `INTERNAL_ERROR` is one code for "not the job's fault as far as we know": an error that is
 * no classified Ropo failure (a bug, Redis failing mid-job); the HTTP API uses the same code.
 */
export type FailureCode =
  RopoErrorCode | 'PAYLOAD_INVALID' | 'ATTEMPTS_EXHAUSTED' | 'JOB_STALLED' | 'INTERNAL_ERROR';
