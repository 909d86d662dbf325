import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { clusterMetricsSource, serveClusterMetrics } from '../../http/cluster-metrics';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import { createLogger } from '../../logger';
import { startTracing } from '../../telemetry/tracing';
import { runHttpCluster, SHUTDOWN_MESSAGE } from '../http-cluster';
import { startHttpStack } from '../http-stack';
import { createLifecycle } from '../lifecycle';
import { routeProcessOutput } from '../process-output';
import { chooseRopoTarget } from '../ropo-target';

/** `serve`: the HTTP server alone (intake, dead-letter API, board, health, metrics). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server on HTTP_HOST:HTTP_PORT (HTTP_PROCESSES processes sharing that port)')
    .action(async () => {
      const config = loadConfig();
      // The HTTP side answers for one target (ledger, replays): it must be told which.
      chooseRopoTarget({ ...config.ropo, env: config.env }, 'serve');
      // Set by the cluster primary in each process it starts (1, 2, ...).
      const slot = cluster.isWorker ? process.env.ONBOARDING_HTTP_PROCESS : undefined;
      const logger = createLogger({
        level: config.log.level,
        defaultMeta: slot ? { role: 'http', httpProcess: Number(slot) } : { role: 'http' },
      });
      const output = routeProcessOutput(logger);
      if (config.http.processes > 1 && cluster.isPrimary) {
        serveClusterMetrics();
        await runHttpCluster({ processes: config.http.processes, logger });
        return;
      }
      const lifecycle = createLifecycle(logger);
      if (cluster.isWorker) {
        process.on('message', (message) => {
          if (message === SHUTDOWN_MESSAGE) lifecycle.shutdown('primary asked');
        });
        // A primary killed outright leaves no one to accept connections for this process.
        process.on('disconnect', () => lifecycle.shutdown('primary gone'));
      }
      const tracing = await startTracing('http');
      lifecycle.add(tracing.shutdown);
      try {
        const registry = createMetricsRegistry(slot ? { http_process: slot } : undefined);
        const metrics = cluster.isWorker ? clusterMetricsSource(registry) : undefined;
        const server = await startHttpStack(config, config.redis.url, lifecycle, {
          config,
          logger,
          registry,
          metrics,
          tracing,
          redisOutage: output.outage,
        });
        logger.info('http ready', { url: server.url, queuePrefix: config.redis.prefix });
      } catch (error) {
        await lifecycle.stopAll();
        throw error;
      }
    });
}
