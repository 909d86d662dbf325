import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './health';
import { metricsRouter, registryMetrics } from './metrics-router';
import { requestContextMiddleware } from './request-context';
import { apiHeaders } from './security-headers';

/** The small app a standalone worker serves on METRICS_PORT: `/metrics` and `/healthz`, nothing else. */
export function createMetricsApp(deps: { registry: Registry; logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContextMiddleware(deps.logger));
  app.use(apiHeaders());
  app.use(healthRouter());
  app.use(metricsRouter(registryMetrics(deps.registry)));
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
