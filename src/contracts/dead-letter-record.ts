import { isOnboardingJobId } from './onboarding-job';
import { z } from 'zod';
import { failureCodeSchema, type FailureCode } from './failure-code';
import { fieldErrorSchema } from './field-error';

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
  /** A broker message that is a CloudEvent of a `type` not in INTAKE_EVENT_TYPES. */
  eventTypeUnknown: 'EVENT_TYPE_UNKNOWN',
  /** A job re-run after its payload was stripped, whose recorded outcome is gone (erased, or Redis lost it). */
  payloadStripped: 'PAYLOAD_STRIPPED',
} as const satisfies Record<string, FailureCode>;

/** Why a job ended in the dead-letter queue. */
export const deadLetterReasonSchema = z.object({
  code: failureCodeSchema,
  message: z.string(),
  /** Field errors when the payload failed validation. */
  errors: z.array(fieldErrorSchema).optional(),
  /** The HTTP status of Ropo One's last answer, when there was one. */
  httpStatus: z.number().int().optional(),
  /** Ropo One's `Error` body, when it sent one. */
  ropoError: z.object({ Code: z.number().optional(), Message: z.string().optional() }).optional(),
  /** The last error's code when attempts ran out (e.g. ROPO_UNAVAILABLE). */
  lastErrorCode: failureCodeSchema.optional(),
});
/** Why a job ended in the dead-letter queue. */
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

/** One failed attempt, as kept in the record. */
export const attemptRecordSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  code: failureCodeSchema,
  message: z.string(),
});
/** One failed attempt, as kept in the record. */
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

/** A dead-letter record: everything needed to understand the failure and replay the job. */
export const deadLetterRecordSchema = z.object({
  version: z.literal(1),
  /** The onboarding job that failed. */
  jobId: z.string(),
  businessId: z.string().nullable(),
  payload: z.unknown(),
  eventId: z.string().optional(),
  source: z.string().optional(),
  receivedAt: z.string().optional(),
  reason: deadLetterReasonSchema,
  attempts: z.array(attemptRecordSchema),
  /** The source job's retry budget, for status look-ups once that job is gone. */
  maxAttempts: z.number().int().optional(),
  lineage: z.object({
    originalJobId: z.string(),
    replayOf: z.string().optional(),
    replayCount: z.number().int(),
    /** W3C traceparent of the attempt that dead-lettered the job, when tracing was on: a replay links to it. */
    traceparent: z.string().optional(),
  }),
  deadLetteredAt: z.string(),
});
/** A dead-letter record: everything needed to understand the failure and replay the job. */
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;

/** A dead letter as listed: no payload, so a listing never shows personal data. */
export const deadLetterSummarySchema = z
  .object({
    id: z.string(),
    jobId: z.string(),
    businessId: z.string().nullable(),
    code: failureCodeSchema,
    message: z.string(),
    fields: z.array(z.string()),
    attempts: z.number().int(),
    replayCount: z.number().int(),
    deadLetteredAt: z.string(),
  })
  .meta({ title: 'DeadLetterSummary' });
/** A dead letter as listed: no payload, so a listing never shows personal data. */
export type DeadLetterSummary = z.infer<typeof deadLetterSummarySchema>;

/** Ledger state of the business id when a replay was planned: none, or the entry's state. */
const ledgerStateSchema = z.enum(['none', 'inflight', 'created', 'pending', 'exists']);

/** What a replay did, or would do with `dryRun`. */
export const replayOutcomeSchema = z.discriminatedUnion('action', [
  z.object({
    id: z.string(),
    action: z.enum(['replayed', 'would-replay']),
    newJobId: z.string(),
    ledger: ledgerStateSchema,
  }),
  z.object({ id: z.string(), action: z.literal('invalid'), errors: z.array(fieldErrorSchema) }),
  z.object({ id: z.string(), action: z.literal('not-found') }),
]);
/** What a replay did, or would do with `dryRun`. */
export type ReplayOutcome = z.infer<typeof replayOutcomeSchema>;

/** Dead-letter job id for an onboarding job: one record per terminal failure, however often the write is retried. */
export function deadLetterJobId(jobId: string): string {
  return `dl-${jobId}`;
}

/** True when `id` has the shape {@link deadLetterJobId} gives; anything else is no dead letter. */
export function isDeadLetterId(id: string): boolean {
  return id.startsWith('dl-') && isOnboardingJobId(id.slice(3));
}
