import type { Registry } from 'prom-client';
import type { Config } from '../config';
import { createPrometheusObserver } from '../pipeline/prometheus-observer';
import { startWizardWatch } from '../pipeline/wizard-watch';
import type { Logger } from '../logger';
import type { Tracing } from '../telemetry/tracing';
import { createRedisConnection } from '../queues/connection';
import type { RedisOutageLog } from '../queues/redis-outage-log';
import { checkRedisSettings } from '../queues/redis-settings-check';
import { createWorker } from '../workers/onboarding-worker';
import type { Lifecycle } from './lifecycle';
import { openRopoTarget, type RopoTarget, type TargetRole } from './ropo-target';

/**
 * Starts the worker with its Redis connection and Ropo target; registers their stops on the lifecycle.
 * Given a registry, the worker's outcomes, retries, breaker and Ropo call latency are recorded in it.
 */
export async function startWorkerStack(
  config: Config,
  redisUrl: string,
  logger: Logger,
  lifecycle: Lifecycle,
  options: { registry?: Registry; tracing?: Tracing; role?: TargetRole; redisOutage?: RedisOutageLog } = {},
): Promise<{ ropo: RopoTarget; inFlight: () => number }> {
  const observer = options.registry ? createPrometheusObserver(options.registry) : undefined;
  const connection = createRedisConnection(redisUrl, 'worker');
  // Before BullMQ attaches its own listeners (and after it removes them on close) ioredis would print these.
  if (options.redisOutage) {
    const outage = options.redisOutage;
    connection.on('error', (error: Error) => outage.error(error, 'connection'));
  }
  lifecycle.add(async () => void (await connection.quit()));
  for (const warning of await checkRedisSettings(connection)) logger.warn(warning);

  const ropo = await openRopoTarget(
    config,
    connection,
    logger,
    observer && ((call) => observer.ropoCall(call.status, call.durationMs)),
    options.role ?? 'worker',
  );
  lifecycle.add(ropo.close);
  const worker = createWorker({
    connection,
    ropo: ropo.client,
    logger,
    config,
    observer,
    tracing: options.tracing,
    redisOutage: options.redisOutage,
  });
  lifecycle.add(worker.close);
  lifecycle.add(
    startWizardWatch(
      connection,
      config.redis.prefix,
      config.ropo.target,
      config.activation.wizardStalledAfterMs,
      logger,
    ),
  );
  return { ropo, inFlight: worker.inFlight };
}
