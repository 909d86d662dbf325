import { Router } from 'express';
import { componentSchemas, type JsonObject } from './openapi-parts';
import { intakePaths } from './openapi-intake-paths';
import { operatorPaths } from './openapi-operator-paths';

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
    paths: { ...intakePaths(), ...operatorPaths() },
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
