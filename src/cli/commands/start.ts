import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createHttpApp } from '../../http/create-http-app';
import { listen } from '../../http/http-server';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import { createLogger } from '../../logger';
import { startTracing } from '../../telemetry/tracing';
import { createRedisConnection } from '../../queues/connection';
import { createLifecycle } from '../lifecycle';
import { routeProcessOutput } from '../process-output';
import { resolveLocalRedis } from '../local-redis';
import { sandboxActivationConfig } from '../sandbox-activation';
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
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.log.level, defaultMeta: { role: 'start' } });
      const output = routeProcessOutput(logger);
      const lifecycle = createLifecycle(logger);
      const tracing = await startTracing('start');
      lifecycle.add(tracing.shutdown);
      try {
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
        // The HTTP side gets a fail-fast connection of its own: requests must not wait on Redis.
        const connection = createRedisConnection(redis.url, 'http');
        lifecycle.add(async () => void (await connection.quit().catch(() => connection.disconnect())));
        // The sandbox plays Ropo's side too: it calls our own activation endpoint with a key of this run.
        const activation = ropo.sandbox ? sandboxActivationConfig(config, logger) : undefined;
        // The one case where the board runs without a login: a first run, loopback only, fake Ropo One.
        const openBoard = ropo.sandbox !== undefined && LOOPBACK.has(config.http.host);
        const app = createHttpApp({
          config: activation?.config ?? config,
          logger,
          connection,
          registry,
          tracing,
          openBoard,
          redisOutage: output.outage,
        });
        lifecycle.add(app.close);
        const http = await listen(app.app, config.http.port, config.http.host, {
          limits: config.http.limits,
        });
        lifecycle.add(http.close);
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
      } catch (error) {
        await lifecycle.stopAll();
        throw error;
      }
    });
}
