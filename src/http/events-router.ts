import express, { Router, type Request } from 'express';
import type { FieldError } from '../contracts/field-error';
import { validatePayload } from '../contracts/validate-payload';
import {
  readBinaryEvent,
  readStructuredEvent,
  type CloudEventJson,
  type CloudEventRead,
} from '../intake/cloud-event-reader';
import { cloudEventId, readMessage, type IntakeMapper } from '../intake/read-message';
import type { EnqueueOptions, OnboardingProducer } from '../queues/onboarding-producer';
import { acceptedSchema, eventBatchResultSchema, type EventBatchItem } from './api-schemas';
import type { BacklogProbe } from '../queues/backlog-probe';
import { ApiError, type ApiErrorCode } from './errors';
import { answerEnqueued } from './status-url';
import { JSON_TYPES, requireMediaType } from './media-type';
import { redisUnavailable, type RedisGate } from './redis-availability';
import { requestContext } from './request-context';
import { enqueueBatch } from './enqueue-batch';
import { cloudEvent, COMMON_ERRORS, error, json, payloadOrEnvelope, ref } from './openapi-parts';
import { defineRoutes, mountRoutes } from './route-table';

/** Dependencies of {@link eventsRouter}. */
export interface EventsDeps {
  producer: OnboardingProducer;
  redis: RedisGate;
  backlog: BacklogProbe;
  /** INTAKE_EVENT_TYPES. */
  eventTypes: readonly string[];
  /** `maxBatchLines` (INTAKE_MAX_BATCH_LINES) caps the events of one batch, as it caps NDJSON lines. */
  limits: { maxBodyBytes: number; maxBatchBytes: number; maxBatchLines: number };
  mapper?: IntakeMapper;
  /** Runs the enqueue inside the trace the event carries (distributed-tracing extension), when tracing is on. */
  withEventTrace?: <T>(event: CloudEventJson, run: () => Promise<T>) => Promise<T>;
}

/** The structured-mode media type of the CloudEvents HTTP binding. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** The batch-mode media type of the CloudEvents HTTP binding. */
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

type EventCode = 'CLOUDEVENT_INVALID' | 'EVENT_TYPE_UNKNOWN' | 'PAYLOAD_INVALID';

/** What one event becomes: a record to enqueue, or a refusal with the single-event answer's status and code. */
type Decision =
  | { ok: true; event: CloudEventJson; payload: unknown; options: EnqueueOptions }
  | { ok: false; status: number; code: EventCode; message: string; errors?: FieldError[] };

const payloadInvalid = (errors: FieldError[]): Decision => ({
  ok: false,
  status: 422,
  code: 'PAYLOAD_INVALID',
  message: `${errors.length} field error(s)`,
  errors,
});

function asApiError(decision: Extract<Decision, { ok: false }>): ApiError {
  return new ApiError(
    decision.status,
    decision.code satisfies ApiErrorCode,
    decision.message,
    decision.errors,
  );
}

/** The route of {@link eventsRouter}. */
export const eventsRoutes = defineRoutes({
  events: {
    method: 'post',
    path: '/v1/events',
    scope: 'intake',
    operation: {
      summary:
        'CloudEvents 1.0 over HTTP: structured, binary (ce-* headers) or batch; source + id give the job id',
      requestBody: {
        required: true,
        content: {
          [CLOUDEVENTS_JSON]: { schema: cloudEvent },
          [CLOUDEVENTS_BATCH_JSON]: { schema: { type: 'array', items: cloudEvent } },
          'application/json': {
            schema: payloadOrEnvelope,
            description: 'Binary mode: the attributes in ce-specversion, ce-id, ce-source, ce-type headers',
          },
        },
      },
      responses: {
        '202': { description: 'Stored as a new job (one event)', content: json(acceptedSchema) },
        '200': {
          description:
            'One event already stored (`duplicate: true`), or a batch: one result per event, in order',
          content: json({ oneOf: [ref(acceptedSchema), ref(eventBatchResultSchema)] }),
        },
        '400': error('CLOUDEVENT_INVALID (`errors` names the attribute), MALFORMED_JSON or BAD_REQUEST'),
        ...COMMON_ERRORS,
        '413': error(
          'BODY_TOO_LARGE: over INTAKE_MAX_BODY_BYTES (a batch: INTAKE_MAX_BATCH_BYTES); BATCH_TOO_MANY_LINES: over INTAKE_MAX_BATCH_LINES events',
        ),
        '415': error('UNSUPPORTED_MEDIA_TYPE'),
        '422': error('EVENT_TYPE_UNKNOWN: type not in INTAKE_EVENT_TYPES; PAYLOAD_INVALID: field errors'),
        '429': error('BACKLOG_FULL'),
      },
    },
  },
});

/**
 * `POST /v1/events`: CloudEvents 1.0 over HTTP in structured, binary and batch mode. The event id is
 * the CloudEvent's `source` + `id` (the rule of every way in), so a redelivered event makes no
 * second job; only the `type`s in INTAKE_EVENT_TYPES are accepted.
 */
export function eventsRouter(deps: EventsDeps): Router {
  const { producer, redis, backlog, limits } = deps;
  const types = new Set(deps.eventTypes);
  const withEventTrace = deps.withEventTrace ?? (<T>(_event: CloudEventJson, run: () => Promise<T>) => run());
  function decide(read: CloudEventRead): Decision {
    if (!read.ok) {
      return {
        ok: false,
        status: 400,
        code: 'CLOUDEVENT_INVALID',
        message: 'not a valid CloudEvents 1.0 event',
        errors: read.errors,
      };
    }
    const { event } = read;
    const eventId = cloudEventId(event.source, event.id);
    const message = readMessage(event, { source: event.source, eventId, eventTypes: types }, deps.mapper);
    if (!message.ok && message.code) {
      return { ok: false, status: 422, code: message.code, message: message.errors[0]?.message ?? '' };
    }
    if (!message.ok) return payloadInvalid(message.errors);
    const validation = validatePayload(message.message.payload);
    if (!validation.ok) return payloadInvalid(validation.errors);
    return {
      ok: true,
      event,
      payload: message.message.payload,
      options: { eventId: message.message.eventId, source: message.message.source },
    };
  }

  async function refuseWhenFull(): Promise<void> {
    if (redis.down()) throw redisUnavailable();
    const over = await redis.run(() => backlog.overLimit());
    if (over === undefined) return;
    throw new ApiError(429, 'BACKLOG_FULL', 'the onboarding queue is full; try again later', undefined, {
      'Retry-After': '30',
    });
  }

  const router = mountRoutes(Router(), eventsRoutes, {
    events: [
      requireMediaType(
        JSON_TYPES,
        `${CLOUDEVENTS_JSON}, ${CLOUDEVENTS_BATCH_JSON} or application/json with ce-* headers`,
      ),
      // A batch may be larger than one event; body-parser skips the second parser once one has read the body.
      express.json({ limit: limits.maxBatchBytes, strict: false, type: CLOUDEVENTS_BATCH_JSON }),
      express.json({ limit: limits.maxBodyBytes, strict: false, type: JSON_TYPES }),
      async (req: Request, res) => {
        if (req.body === undefined || req.get('content-length') === '0') {
          throw new ApiError(400, 'MALFORMED_JSON', 'the request body is empty');
        }
        if (req.is(CLOUDEVENTS_BATCH_JSON)) {
          res.status(200).json(await storeBatch(req.body, res));
          return;
        }
        let read: CloudEventRead;
        if (req.is(CLOUDEVENTS_JSON)) read = readStructuredEvent(req.body);
        else if (req.get('ce-specversion') !== undefined || req.get('ce-id') !== undefined)
          read = readBinaryEvent(req.headers, req.body);
        else {
          throw new ApiError(
            400,
            'CLOUDEVENT_INVALID',
            `no CloudEvent: send ${CLOUDEVENTS_JSON} (structured), ${CLOUDEVENTS_BATCH_JSON} (batch), or ce-* headers with a JSON body (binary)`,
          );
        }
        const decision = decide(read);
        if (!decision.ok) throw asApiError(decision);
        await refuseWhenFull();
        const result = await withEventTrace(decision.event, () =>
          redis.run(() => producer.enqueue(decision.payload, decision.options)),
        );
        answerEnqueued(res, result, 'cloud event');
      },
    ],
  });

  async function storeBatch(body: unknown, res: express.Response) {
    if (!Array.isArray(body)) {
      throw new ApiError(400, 'CLOUDEVENT_INVALID', 'a CloudEvents batch is a JSON array of events');
    }
    if (body.length === 0) throw new ApiError(400, 'BAD_REQUEST', 'the batch holds no events');
    if (body.length > limits.maxBatchLines) {
      throw new ApiError(
        413,
        'BATCH_TOO_MANY_LINES',
        `the batch holds more than INTAKE_MAX_BATCH_LINES (${limits.maxBatchLines}) events; split it`,
      );
    }
    const results: EventBatchItem[] = [];
    const valid: { index: number; decision: Extract<Decision, { ok: true }> }[] = [];
    body.forEach((item: unknown, index) => {
      const decision = decide(readStructuredEvent(item));
      if (decision.ok) valid.push({ index, decision });
      else
        results.push({
          index,
          status: 'rejected',
          code: decision.code,
          ...(decision.errors ? { errors: decision.errors } : {}),
        });
    });
    if (valid.length > 0) {
      await refuseWhenFull();
      // One addBulk for the whole batch, as the NDJSON intake does.
      const stored = await enqueueBatch(
        producer,
        redis,
        valid.map(({ index, decision }) => ({
          at: index,
          payload: decision.payload,
          options: decision.options,
        })),
      );
      for (const { at, ...result } of stored) results.push({ index: at, ...result });
    }
    results.sort((a, b) => a.index - b.index);
    const count = (status: EventBatchItem['status']) => results.filter((r) => r.status === status).length;
    const summary = {
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
    };
    requestContext(res).logger.info('cloud event batch', summary);
    return { errors: summary.rejected > 0, ...summary, results };
  }

  return router;
}
