import { COMMON_ERRORS, cloudEvent, error, idParameter, json, ref, type JsonObject } from './openapi-parts';

/** The paths of the ways in (HTTP, webhooks, CloudEvents), job status and the unauthenticated probes. */
export function intakePaths(): Record<string, JsonObject> {
  return {
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
              description: 'Binary mode: the attributes in ce-specversion, ce-id, ce-source, ce-type headers',
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
  };
}
