import express, { Router, type Request } from 'express';
import { PayloadInvalidError } from '../contracts/payload-invalid-error';
import { readMessage, type IntakeMapper } from '../intake/read-message';
import type { WebhookVerifier } from '../intake/webhook-verifier';
import type { OnboardingProducer } from '../queues/onboarding-producer';
import { acceptedSchema } from './api-schemas';
import { ApiError, payloadInvalid, refusedMessage } from './errors';
import { error, json, payloadOrEnvelope } from './openapi-parts';
import { defineRoutes, mountRoutes } from './route-table';
import { statusUrl } from './status-url';
import { redisUnavailable, type RedisGate } from './redis-availability';
import { requestContext } from './request-context';

/** Dependencies of {@link webhookRouter}. */
export interface WebhookDeps {
  producer: OnboardingProducer;
  redis: RedisGate;
  verifier: WebhookVerifier;
  maxBodyBytes: number;
  mapper?: IntakeMapper;
  /** INTAKE_EVENT_TYPES: a webhook that is a CloudEvent of another `type` is refused (422). Unset: any. */
  eventTypes?: readonly string[];
}

/** The route of {@link webhookRouter}; documented even where WEBHOOK_SECRETS is empty and it is not mounted. */
export const webhookRoutes = defineRoutes({
  signups: {
    method: 'post',
    path: '/v1/webhooks/signups',
    scope: 'webhook-signature',
    operation: {
      summary: 'A signed Standard Webhooks signup (mounted only when WEBHOOK_SECRETS is set)',
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
      requestBody: { required: true, content: json(payloadOrEnvelope) },
      responses: {
        '202': { description: 'Stored as a new job', content: json(acceptedSchema) },
        '200': { description: 'Duplicate: this webhook-id was stored before', content: json(acceptedSchema) },
        '400': error('MALFORMED_JSON'),
        '401': error('A stable signature code: missing, stale or not matching'),
        '413': error('BODY_TOO_LARGE'),
        '422': error(
          'PAYLOAD_INVALID; EVENT_TYPE_UNKNOWN: a CloudEvent body whose type is not in INTAKE_EVENT_TYPES',
        ),
        '503': error('REDIS_UNAVAILABLE'),
      },
    },
  },
});

/**
 * `POST /v1/webhooks/signups`: Standard Webhooks, authenticated by its signature instead of a
 * Bearer token. `webhook-id` is the event id, so a re-sent webhook collapses into the first job.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const { producer, redis, verifier } = deps;
  const eventTypes = deps.eventTypes ? new Set(deps.eventTypes) : undefined;
  return mountRoutes(Router(), webhookRoutes, {
    signups: [
      // The signature covers the exact bytes, so the body is verified raw and parsed afterwards.
      express.raw({ limit: deps.maxBodyBytes, type: () => true }),
      async (req: Request, res) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const verdict = verifier.verify(body, {
          'webhook-id': req.get('webhook-id'),
          'webhook-timestamp': req.get('webhook-timestamp'),
          'webhook-signature': req.get('webhook-signature'),
        });
        if (!verdict.ok) throw new ApiError(401, verdict.code, verdict.message);
        let decoded: unknown;
        try {
          decoded = JSON.parse(body.toString('utf8'));
        } catch {
          throw new ApiError(400, 'MALFORMED_JSON', 'the webhook body is not valid JSON');
        }
        const read = readMessage(
          decoded,
          { source: 'webhook', eventId: verdict.id, eventTypes },
          deps.mapper,
        );
        if (!read.ok) throw refusedMessage(read);
        if (redis.down()) throw redisUnavailable();
        let result;
        try {
          result = await redis.run(() =>
            producer.enqueue(read.message.payload, {
              eventId: read.message.eventId,
              source: read.message.source,
            }),
          );
        } catch (error) {
          if (error instanceof PayloadInvalidError) throw payloadInvalid(error.errors);
          throw error;
        }
        requestContext(res).logger.info(result.created ? 'webhook accepted' : 'duplicate webhook', {
          jobId: result.jobId,
        });
        res.status(result.created ? 202 : 200);
        res.json({ jobId: result.jobId, duplicate: !result.created, statusUrl: statusUrl(result.jobId) });
      },
    ],
  });
}
