import { Router } from 'express';
import { activationRoutes } from './activation-router';
import { customerRoutes } from './customer-router';
import { deadLetterRoutes } from './dead-letter-router';
import { eventsRoutes } from './events-router';
import { healthRoutes } from './health';
import { intakeRoutes } from './intake-router';
import { metricsRoutes } from './metrics-router';
import { onboardingStatusRoutes } from './onboarding-status-router';
import { componentSchemas, type JsonObject } from './openapi-parts';
import { defineRoutes, mountRoutes, openApiPaths, type RouteTable } from './route-table';
import { webhookRoutes } from './webhook-router';

/** The route of {@link openApiRouter}. */
export const openApiRoutes = defineRoutes({
  document: {
    method: 'get',
    path: '/openapi.json',
    scope: 'public',
    operation: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
  },
});

/** The route tables of every router the API mounts (Bull Board documents its own). */
const ROUTE_TABLES: readonly RouteTable[] = [
  healthRoutes,
  metricsRoutes,
  openApiRoutes,
  intakeRoutes,
  eventsRoutes,
  onboardingStatusRoutes,
  webhookRoutes,
  deadLetterRoutes,
  activationRoutes,
  customerRoutes,
];

/** The OpenAPI 3.1 document of the API, generated from the routers' route tables and the zod schemas they use. */
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
    paths: openApiPaths(ROUTE_TABLES),
  };
}

/** `GET /openapi.json`; built once, when the router is made. */
export function openApiRouter(): Router {
  const document = buildOpenApiDocument();
  return mountRoutes(Router(), openApiRoutes, {
    document: [
      (_req, res) => {
        res.json(document);
      },
    ],
  });
}
