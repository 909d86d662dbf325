import { Router } from 'express';
import type { Registry } from 'prom-client';

/** Where /metrics gets its text: this process's registry, or (in a cluster) every process's. */
export type MetricsSource = () => Promise<{ text: string; contentType: string }>;

/** The metrics of `registry` alone. */
export function registryMetrics(registry: Registry): MetricsSource {
  return async () => ({ text: await registry.metrics(), contentType: registry.contentType });
}

/** `GET /metrics` in Prometheus text format. Unauthenticated like /healthz: it holds counts, never personal data. */
export function metricsRouter(source: MetricsSource): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { text, contentType } = await source();
    res.setHeader('Content-Type', contentType);
    res.end(text);
  });
  return router;
}
