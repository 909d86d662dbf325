import { Router } from 'express';
import { z } from 'zod';
import { activationBodySchema } from '../contracts/activation';
import { createProfileSchema } from '../contracts/payload-schema';
import {
  acceptedSchema,
  batchLineSchema,
  batchResultSchema,
  bulkReplayBodySchema,
  bulkReplayResultSchema,
  deadLetterListQuerySchema,
  deadLetterPageSchema,
  deadLetterRecordSchema,
  deadLetterSummarySchema,
  errorBodySchema,
  eventBatchItemSchema,
  eventBatchResultSchema,
  fieldErrorSchema,
  intakeEnvelopeSchema,
  onboardingStatusSchema,
  outcomeSchema,
  replayOutcomeSchema,
} from './api-schemas';

type JsonObject = Record<string, unknown>;

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const components: [string, z.ZodType][] = [
    ['OnboardingPayload', createProfileSchema],
    // The envelope's `payload` is documented as the payload schema; the router validates it with that schema too.
    ['IntakeEnvelope', intakeEnvelopeSchema.extend({ payload: createProfileSchema })],
    ['FieldError', fieldErrorSchema],
    ['Error', errorBodySchema],
    ['Accepted', acceptedSchema],
    ['BatchLineResult', batchLineSchema],
    ['BatchResult', batchResultSchema],
    ['EventBatchItemResult', eventBatchItemSchema],
    ['EventBatchResult', eventBatchResultSchema],
    ['Outcome', outcomeSchema],
    ['OnboardingStatus', onboardingStatusSchema],
    ['DeadLetterSummary', deadLetterSummarySchema],
    ['DeadLetterPage', deadLetterPageSchema],
    ['DeadLetterRecord', deadLetterRecordSchema],
    ['ReplayOutcome', replayOutcomeSchema],
    ['BulkReplayRequest', bulkReplayBodySchema],
    ['BulkReplayResult', bulkReplayResultSchema],
    ['ActivationBody', activationBodySchema],
  ];
  for (const [id, schema] of components) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

function queryParameters(schema: z.ZodObject): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonObject>;
  };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    description: property.description,
    schema: property,
  }));
}

const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

const error = (description: string): JsonObject => ({ description, content: json(ref('Error')) });

const COMMON_ERRORS = {
  '401': error('UNAUTHORIZED: no or wrong Bearer token'),
  '503': error('REDIS_UNAVAILABLE: nothing was stored; retry later (Retry-After)'),
  '507': error('REDIS_FULL: Redis is out of memory; nothing was stored until an operator acts'),
};

// What `POST /v1/events` reads: a CloudEvents 1.0 event whose `data` is a payload or an envelope
// (or, with INTAKE_MAPPER, the upstream system's own shape). The SDK validates the other attributes.
const cloudEvent: JsonObject = {
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1, format: 'uri-reference' },
    type: {
      type: 'string',
      description: 'One of INTAKE_EVENT_TYPES (default onboarding.customer.requested)',
    },
    traceparent: { type: 'string', description: 'W3C trace context (distributed-tracing extension)' },
    tracestate: { type: 'string' },
    data: { oneOf: [ref('OnboardingPayload'), ref('IntakeEnvelope')] },
  },
  additionalProperties: true,
};

const idParameter = (description: string): JsonObject => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

/** The OpenAPI 3.1 document of the intake and dead-letter API, generated from the zod schemas the routers use. */
export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ropo-onboarding HTTP API',
      version: '1',
      description:
        'Intake of "onboard customer" records into the onboarding queue, job status, and dead-letter ' +
        'operations. Every error is `{error: {code, message, errors?, requestId}}` with a stable code; ' +
        'every answer carries `X-Request-Id`. No answer except a dead-letter record holds personal data.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'One of INTAKE_TOKENS' },
        standardWebhooks: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks: HMAC-SHA256 over `webhook-id.webhook-timestamp.body` under one of WEBHOOK_SECRETS',
        },
        activationKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'One of ACTIVATION_API_KEYS (also as Bearer or basic-auth password)',
        },
      },
      schemas: componentSchemas(),
    },
    security: [{ bearer: [] }],
    paths: {
      '/healthz': {
        get: {
          summary: 'The process is alive and serving HTTP',
          security: [],
          responses: { '200': { description: '{status: "ok", uptimeSeconds}' } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Ready to take work: Redis answers, the queue is not paused, workers are up',
          security: [],
          responses: {
            '200': { description: 'Ready, with the checks' },
            '503': { description: 'Not ready: `status` and `reason` say why' },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (counts only, no personal data)',
          security: [],
          responses: { '200': { description: 'Prometheus text format' } },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
      '/v1/onboardings': {
        post: {
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
          requestBody: {
            required: true,
            content: json({ oneOf: [ref('OnboardingPayload'), ref('IntakeEnvelope')] }),
          },
          responses: {
            '202': {
              description: 'Stored as a new job; `Location` is the status URL',
              content: json(ref('Accepted')),
            },
            '200': {
              description:
                'Duplicate: a job with this id already exists (`duplicate: true`); nothing new stored',
              content: json(ref('Accepted')),
            },
            '400': error('MALFORMED_JSON, or BAD_REQUEST for a bad Idempotency-Key'),
            ...COMMON_ERRORS,
            '413': error('BODY_TOO_LARGE: over INTAKE_MAX_BODY_BYTES'),
            '415': error('UNSUPPORTED_MEDIA_TYPE: not application/json'),
            '422': error('PAYLOAD_INVALID: `errors` lists each field (path, code, message)'),
            '429': error('BACKLOG_FULL: over INTAKE_MAX_BACKLOG waiting jobs; retry after Retry-After'),
          },
        },
      },
      '/v1/onboardings/batch': {
        post: {
          summary: 'Validate and enqueue NDJSON records (one payload or envelope per line)',
          requestBody: {
            required: true,
            content: { 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          responses: {
            '200': {
              description: 'Per-line results; valid lines were enqueued, invalid ones name their line',
              content: json(ref('BatchResult')),
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
      '/v1/events': {
        post: {
          summary:
            'CloudEvents 1.0 over HTTP: structured, binary (ce-* headers) or batch; source + id give the job id',
          requestBody: {
            required: true,
            content: {
              'application/cloudevents+json': { schema: cloudEvent },
              'application/cloudevents-batch+json': { schema: { type: 'array', items: cloudEvent } },
              'application/json': {
                schema: { oneOf: [ref('OnboardingPayload'), ref('IntakeEnvelope')] },
                description:
                  'Binary mode: the attributes in ce-specversion, ce-id, ce-source, ce-type headers',
              },
            },
          },
          responses: {
            '202': { description: 'Stored as a new job (one event)', content: json(ref('Accepted')) },
            '200': {
              description:
                'One event already stored (`duplicate: true`), or a batch: one result per event, in order',
              content: json({ oneOf: [ref('Accepted'), ref('EventBatchResult')] }),
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
      '/v1/onboardings/{id}': {
        get: {
          summary: 'State, attempts and outcome of a job (never its payload)',
          parameters: [idParameter('The job id returned by the intake')],
          responses: {
            '200': { description: 'The job', content: json(ref('OnboardingStatus')) },
            '404': error('NOT_FOUND'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/dead-letters': {
        get: {
          summary: 'List dead letters (without payloads), oldest first',
          parameters: queryParameters(deadLetterListQuerySchema),
          responses: {
            '200': { description: 'A page', content: json(ref('DeadLetterPage')) },
            '400': error('BAD_REQUEST: an unknown or malformed parameter'),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          summary: 'Delete the dead letters matching the filters (at least one, or all=true)',
          parameters: queryParameters(deadLetterListQuerySchema.omit({ offset: true, limit: true })),
          responses: {
            '200': {
              description: 'The removed record ids',
              content: json({
                type: 'object',
                properties: { removed: { type: 'array', items: { type: 'string' } } },
              }),
            },
            '400': error('BAD_REQUEST'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/dead-letters/replay': {
        post: {
          summary: 'Replay the dead letters matching the filters (each re-validated)',
          requestBody: { required: true, content: json(ref('BulkReplayRequest')) },
          responses: {
            '200': { description: 'What was replayed', content: json(ref('BulkReplayResult')) },
            '400': error('BAD_REQUEST: no filter and no all: true'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/dead-letters/{id}': {
        get: {
          summary: 'One dead-letter record, payload included',
          parameters: [idParameter('The dead-letter id')],
          responses: {
            '200': { description: 'The record', content: json(ref('DeadLetterRecord')) },
            '404': error('NOT_FOUND'),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          summary: 'Delete one dead letter',
          parameters: [idParameter('The dead-letter id')],
          responses: { '204': { description: 'Deleted' }, '404': error('NOT_FOUND'), ...COMMON_ERRORS },
        },
      },
      '/v1/dead-letters/{id}/replay': {
        post: {
          summary: 'Replay one dead letter, optionally fixed by a JSON merge patch (RFC 7386) first',
          parameters: [
            idParameter('The dead-letter id'),
            { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } },
          ],
          requestBody: {
            required: false,
            content: {
              'application/merge-patch+json': { schema: { type: 'object' } },
              'application/json': { schema: { type: 'object' } },
            },
          },
          responses: {
            '202': { description: 'Replayed as a new job', content: json(ref('ReplayOutcome')) },
            '200': { description: 'Dry run: what would happen', content: json(ref('ReplayOutcome')) },
            '404': error('NOT_FOUND'),
            '415': error('UNSUPPORTED_MEDIA_TYPE'),
            '422': error('PAYLOAD_INVALID: the (patched) payload is still invalid; nothing was replayed'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/webhooks/signups': {
        post: {
          summary: 'A signed Standard Webhooks signup (mounted only when WEBHOOK_SECRETS is set)',
          security: [{ standardWebhooks: [] }],
          parameters: [
            {
              name: 'webhook-id',
              in: 'header',
              required: true,
              description: 'The event id; becomes the job id so a re-sent webhook is a duplicate',
              schema: { type: 'string' },
            },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: {
            required: true,
            content: json({ oneOf: [ref('OnboardingPayload'), ref('IntakeEnvelope')] }),
          },
          responses: {
            '202': { description: 'Stored as a new job', content: json(ref('Accepted')) },
            '200': {
              description: 'Duplicate: this webhook-id was stored before',
              content: json(ref('Accepted')),
            },
            '400': error('MALFORMED_JSON'),
            '401': error('A stable signature code: missing, stale or not matching'),
            '413': error('BODY_TOO_LARGE'),
            '422': error('PAYLOAD_INVALID'),
            '503': error('REDIS_UNAVAILABLE'),
          },
        },
      },
      '/v1/ropo/activations': {
        post: {
          summary:
            "Ropo One's APIkey callback: stores the new profile's credentials (sealed) before answering 2xx",
          security: [{ activationKey: [] }],
          requestBody: { required: true, content: json(ref('ActivationBody')) },
          responses: {
            '201': { description: 'Stored (first delivery)' },
            '200': { description: 'The same bid and cid again: nothing new stored or published' },
            '409': error('ACTIVATION_CONFLICT: another cid for an activated customer; the first is kept'),
            '422': error('PAYLOAD_INVALID: a body that can never be valid'),
            '503': error('REDIS_UNAVAILABLE or CREDENTIALS_UNAVAILABLE: nothing stored; retry'),
            '401': error('UNAUTHORIZED: no or wrong activation key'),
          },
        },
      },
      '/v1/customers/{businessId}': {
        get: {
          summary: "A customer's state and timeline (OPERATOR_TOKENS)",
          parameters: [{ name: 'businessId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'State and steps' },
            '404': error('NOT_FOUND'),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          summary:
            'Erases every trace of the customer, leaving an audit entry without the id (OPERATOR_TOKENS; see docs/privacy.md)',
          parameters: [
            { name: 'businessId', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'dryRun',
              in: 'query',
              required: false,
              schema: { type: 'boolean' },
              description: 'only count what would go, by kind',
            },
          ],
          responses: {
            '200': {
              description: '{businessId, dryRun, counts (by kind), total, skippedActive, auditId}',
            },
            '400': error('BAD_REQUEST: not a valid Finnish business id'),
            '403': error('FORBIDDEN: a token of another scope'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/customers/{businessId}/credentials': {
        get: {
          summary: "An activated customer's cid and apicode (CREDENTIALS_TOKENS only; audited; no-store)",
          parameters: [{ name: 'businessId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: '{businessId, cid, apicode, externalId, matched, activatedAt}' },
            '403': error('FORBIDDEN: a token of another scope'),
            '404': error('NOT_FOUND: not activated'),
            ...COMMON_ERRORS,
            '503': error('CREDENTIALS_UNAVAILABLE or REDIS_UNAVAILABLE'),
          },
        },
      },
    },
  };
}

/** `GET /openapi.json`; built once, when the router is made. */
export function openApiRouter(): Router {
  const document = buildOpenApiDocument();
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
