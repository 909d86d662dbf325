import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type * as HttpServer from '../http/http-server';
import type * as MetricsServer from '../http/metrics-server';
import type { Logger } from '../logger';
import type { Lifecycle } from './lifecycle';

/**
 * Serves `/metrics` and `/healthz` on METRICS_PORT for a role that has no HTTP server of its own
 * (worker, deliver, bridge), stopped with the lifecycle; the metrics URL, or undefined when unset.
 */
export async function serveMetricsPort(
  config: Pick<Config, 'metrics' | 'http'>,
  registry: Registry | undefined,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<string | undefined> {
  if (!registry || config.metrics.port === undefined) return undefined;
  // Required only here: without METRICS_PORT a worker, deliver or bridge process never loads express.
  /* eslint-disable @typescript-eslint/no-require-imports -- a lazy, synchronous load */
  const { listen } = require('../http/http-server') as typeof HttpServer;
  const { createMetricsApp } = require('../http/metrics-server') as typeof MetricsServer;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const server = await listen(createMetricsApp({ registry, logger }), config.metrics.port, config.http.host, {
    variable: 'METRICS_PORT',
    limits: config.http.limits,
  });
  lifecycle.add(server.close);
  return `${server.url}/metrics`;
}
