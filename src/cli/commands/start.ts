import type { Command } from 'commander';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import { resolveLocalRedis } from '../local-redis';
import { sandboxActivationConfig } from '../sandbox-activation';
import { startHttpStack } from '../http-stack';
import { runRole } from '../role-process';
import { startWorkerStack } from '../worker-stack';
import { startDeliveryStack } from './deliver';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `start`: everything on one machine for a first run (Redis, sandbox if no Ropo configured, worker, HTTP). */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run everything here: Redis (REDIS_URL, localhost:6379 or a spawned redis-server), ' +
        'the sandbox unless a Ropo One target is set, the worker and the HTTP server',
    )
    .action(() =>
      runRole({ role: 'start' }, async ({ config, logger, output, lifecycle, tracing }) => {
        const redis = await resolveLocalRedis(config.redis, config.dataDir, logger);
        lifecycle.add(redis.stop);
        // One registry for the worker and the HTTP server: this process's /metrics shows both.
        const registry = createMetricsRegistry();
        const { ropo } = await startWorkerStack(config, redis.url, logger, lifecycle, {
          registry,
          tracing,
          role: 'start',
          redisOutage: output.outage,
        });
        // Outcome delivery joins `start` only when sinks are configured.
        if (config.delivery.sinksFile)
          await startDeliveryStack(config, redis.url, logger, lifecycle, {
            registry,
            tracing,
            redisOutage: output.outage,
          });
        if (config.http.processes > 1) {
          logger.warn('HTTP_PROCESSES is for `serve`; `start` runs everything in this one process', {
            processes: config.http.processes,
          });
        }
        // The sandbox plays Ropo's side too: it calls our own activation endpoint with a key of this run.
        const activation = ropo.sandbox ? sandboxActivationConfig(config, logger) : undefined;
        // The one case where the board runs without a login: a first run, loopback only, fake Ropo One.
        const openBoard = ropo.sandbox !== undefined && LOOPBACK.has(config.http.host);
        const http = await startHttpStack(config, redis.url, lifecycle, {
          config: activation?.config ?? config,
          logger,
          registry,
          tracing,
          openBoard,
          redisOutage: output.outage,
        });
        if (ropo.sandbox && activation) {
          ropo.sandbox.activations.setTarget({ url: `${http.url}/v1/ropo/activations`, key: activation.key });
          logger.warn('sandbox: accepting terms delivers activations to this server', {
            acceptTerms: `${ropo.sandbox.url}/__sandbox/profiles/<business-id>/accept-terms`,
            deliveries: `${ropo.sandbox.url}/__sandbox/activations`,
          });
        }
        logger.info('ready', {
          redis: redis.url,
          redisOrigin: redis.origin,
          queuePrefix: config.redis.prefix,
          http: http.url,
          ropo: ropo.sandbox ? `sandbox ${ropo.sandbox.baseUrl}` : config.ropo.baseUrl,
        });
      }),
    );
}
