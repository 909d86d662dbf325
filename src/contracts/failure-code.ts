import { z } from 'zod';
import type { RopoErrorCode } from '../errors/ropo-error';

const ROPO_CODES = [
  'ROPO_REJECTED',
  'ROPO_DUPLICATE',
  'ROPO_AUTH',
  'ROPO_RATE_LIMITED',
  'ROPO_UNAVAILABLE',
  'ROPO_UNEXPECTED_RESPONSE',
] as const satisfies readonly RopoErrorCode[];
// Fails to compile when a Ropo error code is added in src/errors and not listed here.
const _everyRopoCode: Record<RopoErrorCode, true> = Object.fromEntries(ROPO_CODES.map((c) => [c, true])) as {
  [K in (typeof ROPO_CODES)[number]]: true;
};

/**
 * Every stable code a failure can carry, in attempt logs, dead-letter records and metrics.
 * `INTERNAL_ERROR` is one code for "not the job's fault as far as we know": an error that is
 * no classified Ropo failure (a bug, Redis failing mid-job); the HTTP API uses the same code.
 */
export const failureCodeSchema = z.enum([
  ...ROPO_CODES,
  'PAYLOAD_INVALID',
  'ATTEMPTS_EXHAUSTED',
  'JOB_STALLED',
  'INTERNAL_ERROR',
  'EVENT_MALFORMED',
  'EVENT_TYPE_UNKNOWN',
  'PAYLOAD_STRIPPED',
]);

/** One of {@link failureCodeSchema}'s codes. */
export type FailureCode = z.infer<typeof failureCodeSchema>;
