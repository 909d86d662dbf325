import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import { serveMetricsPort } from '../metrics-port';
import { chooseRopoTarget } from '../ropo-target';
import { runRole } from '../role-process';
import { startWorkerStack } from '../worker-stack';

/** `worker`: processes onboarding jobs from REDIS_URL; run as many as throughput needs. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'process onboarding jobs against ROPO_BASE_URL, ROPO_ENV=test|production or ROPO_SANDBOX=true ' +
        '(one is required); ' +
        'with METRICS_PORT set, serve /metrics and /healthz there',
    )
    .action(async () => {
      const config = loadConfig();
      // Refuse before touching Redis: a worker must never guess which Ropo One it feeds.
      chooseRopoTarget({ ...config.ropo, env: config.env }, 'worker');
      // One second past the deadline for in-flight jobs: closing against a dead Redis may never end.
      const hardDeadlineMs = config.worker.shutdownTimeoutMs + 1000;
      await runRole(
        { role: 'worker', config, hardDeadlineMs },
        async ({ logger, output, lifecycle, tracing }) => {
          const registry = config.metrics.port === undefined ? undefined : createMetricsRegistry();
          const stack = await startWorkerStack(config, config.redis.url, logger, lifecycle, {
            registry,
            tracing,
            redisOutage: output.outage,
          });
          lifecycle.trackInFlight(stack.inFlight);
          const metricsUrl = await serveMetricsPort(config, registry, logger, lifecycle);
          logger.info('worker ready', {
            concurrency: config.worker.concurrency,
            queuePrefix: config.redis.prefix,
            metrics: metricsUrl,
          });
        },
      );
    });
}
