import express, { Router, type Request } from 'express';
import { validatePayload, type FieldError } from '../contracts/validate-payload';
import { PayloadInvalidError } from '../contracts/payload-invalid-error';
import type { EnqueueOptions, OnboardingProducer } from '../queues/onboarding-producer';
import { readMessage } from '../intake/read-message';
import { acceptedSchema, batchResultSchema, idempotencyKeySchema, type BatchLine } from './api-schemas';
import type { BacklogProbe } from '../queues/backlog-probe';
import { ApiError, payloadInvalid, refusedMessage } from './errors';
import { JSON_TYPES, NDJSON_TYPES, requireMediaType } from './media-type';
import { redisUnavailable, type RedisGate } from './redis-availability';
import { requestContext } from './request-context';
import { enqueueBatch } from './enqueue-batch';
import { countRecords } from './ndjson-lines';
import { COMMON_ERRORS, error, json, payloadOrEnvelope } from './openapi-parts';
import { defineRoutes, mountRoutes } from './route-table';
import { answerEnqueued } from './status-url';

/** Dependencies of {@link intakeRouter}. */
export interface IntakeDeps {
  producer: OnboardingProducer;
  redis: RedisGate;
  backlog: BacklogProbe;
  limits: { maxBodyBytes: number; maxBatchBytes: number; maxBatchLines: number };
  /** INTAKE_EVENT_TYPES: a body (or line) that is a CloudEvent of another `type` is refused. Unset: any. */
  eventTypes?: readonly string[];
}

interface IntakeRecord {
  payload: unknown;
  options: EnqueueOptions;
}

/** Reads a body in any form {@link readMessage} accepts, then applies the `Idempotency-Key` header. */
function readRecord(
  body: unknown,
  defaults: { source: string; eventTypes?: ReadonlySet<string> },
  idempotencyKey?: string,
): IntakeRecord {
  // The one envelope reader of every way in (src/intake), so HTTP, webhooks and brokers agree.
  const read = readMessage(body, defaults);
  if (!read.ok) throw refusedMessage(read);
  const record: IntakeRecord = {
    payload: read.message.payload,
    options: { eventId: read.message.eventId, source: read.message.source },
  };
  if (idempotencyKey !== undefined) {
    const key = idempotencyKeySchema.safeParse(idempotencyKey);
    if (!key.success) {
      throw new ApiError(400, 'BAD_REQUEST', 'invalid Idempotency-Key header', [
        { path: 'Idempotency-Key', code: 'INVALID', message: 'expected 1-200 printable ASCII characters' },
      ]);
    }
    // Two different ids for one record would silently pick one; refuse instead.
    if (record.options.eventId !== undefined && record.options.eventId !== key.data) {
      throw payloadInvalid([
        {
          path: 'eventId',
          code: 'INVALID',
          message: 'differs from the Idempotency-Key header; give one or make them equal',
        },
      ]);
    }
    record.options.eventId = key.data;
  }
  return record;
}

/** Refuses an invalid payload before an answer about Redis or backlog, which would only make the client retry it. */
function assertValid(payload: unknown): void {
  const validation = validatePayload(payload);
  if (!validation.ok) throw payloadInvalid(validation.errors);
}

// A batch's answer lists at most this many errors a line and a batch; `errorCount` tells the rest.
const MAX_ERRORS_PER_LINE = 20;
const MAX_ERRORS_PER_BATCH = 1_000;
// Lines parsed and validated between two yields to the event loop, so a maximal batch never holds
// /healthz or the worker `start` runs in the same process for more than a few milliseconds.
const LINES_PER_CHUNK = 250;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The routes of {@link intakeRouter}. */
export const intakeRoutes = defineRoutes({
  enqueue: {
    method: 'post',
    path: '/v1/onboardings',
    scope: 'intake',
    operation: {
      summary: 'Validate and enqueue one onboarding record',
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'The upstream event id; becomes the job id so a redelivery is a duplicate',
          schema: { type: 'string', maxLength: 200 },
        },
      ],
      requestBody: { required: true, content: json(payloadOrEnvelope) },
      responses: {
        '202': {
          description: 'Stored as a new job; `Location` is the status URL',
          content: json(acceptedSchema),
        },
        '200': {
          description: 'Duplicate: a job with this id already exists (`duplicate: true`); nothing new stored',
          content: json(acceptedSchema),
        },
        '400': error('MALFORMED_JSON, or BAD_REQUEST for a bad Idempotency-Key'),
        ...COMMON_ERRORS,
        '413': error('BODY_TOO_LARGE: over INTAKE_MAX_BODY_BYTES'),
        '415': error('UNSUPPORTED_MEDIA_TYPE: not application/json'),
        '422': error(
          'PAYLOAD_INVALID: `errors` lists each field (path, code, message); EVENT_TYPE_UNKNOWN: a CloudEvent body whose type is not in INTAKE_EVENT_TYPES',
        ),
        '429': error('BACKLOG_FULL: over INTAKE_MAX_BACKLOG waiting jobs; retry after Retry-After'),
      },
    },
  },
  batch: {
    method: 'post',
    path: '/v1/onboardings/batch',
    scope: 'intake',
    operation: {
      summary: 'Validate and enqueue NDJSON records (one payload or envelope per line)',
      requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
      responses: {
        '200': {
          description: 'Per-line results; valid lines were enqueued, invalid ones name their line',
          content: json(batchResultSchema),
        },
        '400': error('BAD_REQUEST: an empty batch, or an Idempotency-Key header'),
        ...COMMON_ERRORS,
        '413': error(
          'BODY_TOO_LARGE: over INTAKE_MAX_BATCH_BYTES; BATCH_TOO_MANY_LINES: over INTAKE_MAX_BATCH_LINES records',
        ),
        '415': error('UNSUPPORTED_MEDIA_TYPE: not application/x-ndjson'),
        '429': error('BACKLOG_FULL'),
      },
    },
  },
});

/** `POST /v1/onboardings` (one JSON record) and `POST /v1/onboardings/batch` (NDJSON, one record a line). */
export function intakeRouter(deps: IntakeDeps): Router {
  const { producer, redis, backlog, limits } = deps;
  const eventTypes = deps.eventTypes ? new Set(deps.eventTypes) : undefined;

  async function refuseWhenFull(payloads: () => unknown[]): Promise<void> {
    const over = await redis.run(() => backlog.overLimit());
    if (over === undefined) return;
    for (const payload of payloads()) assertValid(payload);
    throw new ApiError(429, 'BACKLOG_FULL', 'the onboarding queue is full; try again later', undefined, {
      'Retry-After': '30',
    });
  }

  return mountRoutes(Router(), intakeRoutes, {
    enqueue: [
      requireMediaType(JSON_TYPES, 'application/json'),
      express.json({ limit: limits.maxBodyBytes, strict: false, type: JSON_TYPES }),
      async (req: Request, res) => {
        if (req.body === undefined || req.get('content-length') === '0') {
          throw new ApiError(400, 'MALFORMED_JSON', 'the request body is empty');
        }
        const record = readRecord(req.body, { source: 'http', eventTypes }, req.get('idempotency-key'));
        // Validation is the producer's first step; it is done here only when no enqueue will follow.
        if (redis.down()) {
          assertValid(record.payload);
          throw redisUnavailable();
        }
        await refuseWhenFull(() => [record.payload]);
        let result;
        try {
          result = await redis.run(() => producer.enqueue(record.payload, record.options));
        } catch (error) {
          if (error instanceof PayloadInvalidError) throw payloadInvalid(error.errors);
          throw error;
        }
        answerEnqueued(res, result, 'onboarding');
      },
    ],
    batch: [
      requireMediaType(NDJSON_TYPES, 'application/x-ndjson'),
      express.text({ limit: limits.maxBatchBytes, type: NDJSON_TYPES }),
      async (req: Request, res) => {
        if (req.get('idempotency-key') !== undefined) {
          throw new ApiError(
            400,
            'BAD_REQUEST',
            'Idempotency-Key does not apply to a batch; give eventId on each line',
          );
        }
        const text = typeof req.body === 'string' ? req.body : '';
        if (countRecords(text, limits.maxBatchLines) > limits.maxBatchLines) {
          throw new ApiError(
            413,
            'BATCH_TOO_MANY_LINES',
            `the batch holds more than INTAKE_MAX_BATCH_LINES (${limits.maxBatchLines}) records; split it`,
          );
        }
        const results: BatchLine[] = [];
        const valid: { line: number; record: IntakeRecord }[] = [];
        let errorsListed = 0;
        let truncated = false;
        const rejectLine = (
          line: number,
          status: 'invalid' | 'malformed',
          errors: FieldError[] = [],
        ): void => {
          const room = Math.max(0, Math.min(MAX_ERRORS_PER_LINE, MAX_ERRORS_PER_BATCH - errorsListed));
          const listed = errors.slice(0, room);
          errorsListed += listed.length;
          if (listed.length < errors.length) {
            truncated = true;
            results.push({ line, status, errors: listed, errorCount: errors.length });
          } else results.push({ line, status, errors });
        };
        let line = 0;
        for (let start = 0; start <= text.length;) {
          const newline = text.indexOf('\n', start);
          const end = newline === -1 ? text.length : newline;
          const raw = text.slice(start, end);
          start = end + 1;
          line += 1;
          if (line % LINES_PER_CHUNK === 0) await yieldToEventLoop();
          if (raw.trim() === '') continue;
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch {
            // JSON.parse's message quotes the line, which may hold personal data.
            rejectLine(line, 'malformed', [{ path: '', code: 'INVALID', message: 'not valid JSON' }]);
            continue;
          }
          try {
            const record = readRecord(body, { source: 'http-batch', eventTypes });
            const validation = validatePayload(record.payload);
            if (!validation.ok) rejectLine(line, 'invalid', validation.errors);
            else valid.push({ line, record });
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            rejectLine(line, 'invalid', error.errors);
          }
        }
        if (results.length === 0 && valid.length === 0) {
          throw new ApiError(
            400,
            'BAD_REQUEST',
            'the batch holds no records (one JSON object per line expected)',
          );
        }
        if (valid.length > 0) {
          if (redis.down()) throw redisUnavailable();
          await refuseWhenFull(() => []);
          const stored = await enqueueBatch(
            producer,
            redis,
            valid.map(({ line, record }) => ({ at: line, payload: record.payload, options: record.options })),
          );
          for (const { at, ...result } of stored) results.push({ line: at, ...result });
        }
        results.sort((a, b) => a.line - b.line);
        const count = (status: string) => results.filter((r) => r.status === status).length;
        const rejected = count('invalid') + count('malformed');
        requestContext(res).logger.info('onboarding batch', {
          accepted: count('accepted'),
          duplicates: count('duplicate'),
          rejected,
        });
        res.status(200).json({
          errors: rejected > 0,
          accepted: count('accepted'),
          duplicates: count('duplicate'),
          rejected,
          ...(truncated ? { errorsTruncated: true } : {}),
          results,
        });
      },
    ],
  });
}
