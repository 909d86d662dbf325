import { Router } from 'express';
import type { Registry } from 'prom-client';
import { defineRoutes, mountRoutes } from './route-table';

/** Where /metrics gets its text: this process's registry, or (in a cluster) every process's. */
export type MetricsSource = () => Promise<{ text: string; contentType: string }>;

/** The metrics of `registry` alone. */
export function registryMetrics(registry: Registry): MetricsSource {
  return async () => ({ text: await registry.metrics(), contentType: registry.contentType });
}

/** The route of {@link metricsRouter}. */
export const metricsRoutes = defineRoutes({
  metrics: {
    method: 'get',
    path: '/metrics',
    scope: 'public',
    operation: {
      summary: 'Prometheus metrics (counts only, no personal data)',
      responses: { '200': { description: 'Prometheus text format' } },
    },
  },
});

/** `GET /metrics` in Prometheus text format. Unauthenticated like /healthz: it holds counts, never personal data. */
export function metricsRouter(source: MetricsSource): Router {
  return mountRoutes(Router(), metricsRoutes, {
    metrics: [
      async (_req, res) => {
        const { text, contentType } = await source();
        res.setHeader('Content-Type', contentType);
        res.end(text);
      },
    ],
  });
}
