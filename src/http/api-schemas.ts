import { z } from 'zod';
import {
  deadLetterRecordSchema as contractRecordSchema,
  deadLetterSummarySchema,
  replayOutcomeSchema as contractReplayOutcomeSchema,
} from '../contracts/dead-letter-record';
import { fieldErrorSchema, type FieldError } from '../contracts/field-error';

export { deadLetterSummarySchema, fieldErrorSchema };
import { API_ERROR_CODES, ApiError } from './errors';

// The HTTP API's own shapes. Routers parse requests with them and openapi.ts turns them into the
// published document, so the two cannot drift apart.

const eventId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces')
  .meta({ description: 'Upstream event id; becomes the job id, so a redelivery collapses into one job' });

const source = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'expected 1-100 letters, digits or ._:/-')
  .meta({ description: 'Who produced the record (crm, erp, signup-form…), for lineage' });

/** `{payload, eventId?, source?}`: the envelope form of an intake body. */
export const intakeEnvelopeSchema = z
  .strictObject({
    payload: z.unknown().meta({ description: 'The createprofile body' }),
    eventId: eventId.optional(),
    source: source.optional(),
  })
  .meta({ title: 'IntakeEnvelope' });

/** The `Idempotency-Key` header's rules (the same as an envelope's `eventId`). */
export const idempotencyKeySchema = eventId;

/** Every error answer. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      errors: z.array(fieldErrorSchema).optional(),
      requestId: z.string(),
    }),
  })
  .meta({ title: 'Error' });

/** 202 (new job) or 200 (duplicate: the job already existed, nothing new was stored). */
export const acceptedSchema = z
  .object({
    jobId: z.string(),
    duplicate: z.boolean(),
    statusUrl: z.string().meta({ description: 'GET it for the job state and outcome' }),
  })
  .meta({ title: 'Accepted' });

// What one record of a batch (an NDJSON line, a CloudEvent) answers besides its position and status.
const batchItemFields = {
  jobId: z.string().optional(),
  statusUrl: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
};

/** A batch answer (NDJSON or CloudEvents): whether any record was refused, the counts, one result per record. */
function batchAnswerSchema<T extends z.ZodType, E extends z.ZodRawShape>(
  title: string,
  refused: string,
  results: T,
  extra: E,
) {
  return z
    .object({
      errors: z.boolean().meta({ description: refused }),
      accepted: z.number().int(),
      duplicates: z.number().int(),
      rejected: z.number().int(),
      ...extra,
      results: z.array(results),
    })
    .meta({ title });
}

/** One line's result in a batch. */
export const batchLineSchema = z
  .object({
    line: z.number().int().min(1),
    status: z.enum(['accepted', 'duplicate', 'invalid', 'malformed']),
    ...batchItemFields,
    errorCount: z.number().int().optional().meta({
      description: 'how many errors the line has, when fewer are listed (20 a line, 1,000 a batch)',
    }),
  })
  .meta({ title: 'BatchLineResult' });
/** One line's result in a batch answer. */
export type BatchLine = z.output<typeof batchLineSchema>;

/** One event's result in a CloudEvents batch (`POST /v1/events`, `application/cloudevents-batch+json`). */
export const eventBatchItemSchema = z
  .object({
    index: z.number().int().min(0).meta({ description: "The event's 0-based position in the batch" }),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    code: z
      .enum(['CLOUDEVENT_INVALID', 'EVENT_TYPE_UNKNOWN', 'PAYLOAD_INVALID'])
      .optional()
      .meta({ description: 'Why a rejected event was refused (the codes of the single-event answers)' }),
    ...batchItemFields,
  })
  .meta({ title: 'EventBatchItemResult' });
/** One event's result in a CloudEvents batch answer. */
export type EventBatchItem = z.output<typeof eventBatchItemSchema>;

/** The batch answer: counts and one result per non-empty line. */
export const batchResultSchema = batchAnswerSchema(
  'BatchResult',
  'true when at least one line was invalid or malformed',
  batchLineSchema,
  {
    errorsTruncated: z
      .boolean()
      .optional()
      .meta({ description: 'true when some lines list fewer errors than they have (see errorCount)' }),
  },
);

/** The CloudEvents batch answer: counts and one result per event, in order. */
export const eventBatchResultSchema = batchAnswerSchema(
  'EventBatchResult',
  'true when at least one event was rejected',
  eventBatchItemSchema,
  {},
);

/** How a job ended, without personal data. */
export const outcomeSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('created'), customerId: z.string().nullable() }),
    z.object({ type: z.literal('pending'), uuid: z.string().nullable(), wizardUrl: z.string().nullable() }),
    z.object({ type: z.literal('exists') }),
    z.object({
      type: z.literal('dead_lettered'),
      reasonCode: z.string(),
      deadLetterId: z
        .string()
        .nullable()
        .meta({ description: 'null once the record was replayed or purged' }),
    }),
  ])
  .meta({ title: 'Outcome' });

/** `GET /v1/onboardings/:id`. */
export const onboardingStatusSchema = z
  .object({
    jobId: z.string(),
    state: z.string().meta({ description: 'BullMQ state: waiting, active, delayed, completed, failed…' }),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    businessId: z.string().nullable(),
    receivedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    replayOf: z.string().nullable(),
    outcome: outcomeSchema.nullable(),
  })
  .meta({ title: 'OnboardingStatus' });

/** A page of dead letters. */
export const deadLetterPageSchema = z
  .object({
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    items: z.array(deadLetterSummarySchema),
  })
  .meta({ title: 'DeadLetterPage' });

/** A whole dead-letter record, payload included. */
export const deadLetterRecordSchema = z
  .object({ id: z.string(), record: contractRecordSchema.loose() })
  .meta({ title: 'DeadLetterRecord' });

const [replayedSchema, ...otherOutcomes] = contractReplayOutcomeSchema.options;
/** One record's replay result; a replayed one links to its new job's status. */
export const replayOutcomeSchema = z
  .discriminatedUnion('action', [replayedSchema.extend({ statusUrl: z.string() }), ...otherOutcomes])
  .meta({ title: 'ReplayOutcome' });

/** A bulk replay's answer. */
export const bulkReplayResultSchema = z
  .object({
    replayed: z.number().int(),
    invalid: z.number().int(),
    results: z.array(replayOutcomeSchema),
  })
  .meta({ title: 'BulkReplayResult' });

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)?$/, 'expected a duration such as 90s, 15m, 2h or 7d')
  .meta({ examples: ['15m', '2h', '7d'] });

const filterFields = {
  code: z
    .string()
    .regex(/^[A-Z_]{1,64}$/, 'expected a reason code such as PAYLOAD_INVALID')
    .optional(),
  businessId: z.string().max(64).optional(),
  olderThan: duration.optional().meta({ description: 'only records dead-lettered at least this long ago' }),
  newerThan: duration.optional().meta({ description: 'only records dead-lettered at most this long ago' }),
};

/** Query of `GET /v1/dead-letters`. */
export const deadLetterListQuerySchema = z.strictObject({
  ...filterFields,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Body of `POST /v1/dead-letters/replay`: filters (at least one, or `all: true`) and options. */
export const bulkReplayBodySchema = z
  .strictObject({
    ...filterFields,
    ids: z.array(z.string().min(1).max(300)).min(1).max(10_000).optional(),
    all: z
      .boolean()
      .optional()
      .meta({ description: 'replay every record; required when no filter is given' }),
    dryRun: z.boolean().optional(),
    ratePerSecond: z.number().positive().max(1000).optional(),
  })
  .refine(
    (body) =>
      body.all === true ||
      [body.code, body.businessId, body.olderThan, body.newerThan, body.ids].some((f) => f !== undefined),
    { message: 'give at least one filter (code, businessId, olderThan, newerThan, ids) or all: true' },
  )
  .meta({ title: 'BulkReplayRequest' });

/** Query of the bulk `DELETE /v1/dead-letters`: at least one filter, or `all=true`. */
export const bulkDeleteQuerySchema = z
  .strictObject({ ...filterFields, all: z.enum(['true']).optional() })
  .refine(
    (query) =>
      query.all === 'true' ||
      [query.code, query.businessId, query.olderThan, query.newerThan].some((f) => f !== undefined),
    { message: 'give at least one filter (code, businessId, olderThan, newerThan) or all=true' },
  );

/** Value-free field errors for the API's own parameters (zod's messages never quote the input). */
export function parameterErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: path ? `${path}.${key}` : key,
        code: 'UNKNOWN_KEY',
        message: `unknown parameter "${key}"`,
      }));
    }
    return [{ path, code: issue.code === 'invalid_type' ? 'TYPE' : 'INVALID', message: issue.message }];
  });
}

/** Parses a request part with a schema; 400 BAD_REQUEST naming each bad parameter when it does not fit. */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError(400, 'BAD_REQUEST', `invalid ${what}`, parameterErrors(result.error));
}
