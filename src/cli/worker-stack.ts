import type { Registry } from 'prom-client';
import type { Config } from '../config';
import { createPrometheusObserver } from '../pipeline/prometheus-observer';
import { startRetentionSweep } from '../pipeline/retention-sweep';
import { startWizardWatch } from '../pipeline/wizard-watch';
import type { Logger } from '../logger';
import type { Tracing } from '../telemetry/tracing';
import { createRedisConnection } from '../queues/connection';
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
  options: { registry?: Registry; tracing?: Tracing; role?: TargetRole } = {},
): Promise<{ ropo: RopoTarget; inFlight: () => number }> {
  const observer = options.registry ? createPrometheusObserver(options.registry) : undefined;
  const connection = createRedisConnection(redisUrl, 'worker');
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
  });
  lifecycle.add(worker.close);
  lifecycle.add(
    startWizardWatch(connection, config.redis.prefix, config.activation.wizardStalledAfterMs, logger),
  );
  lifecycle.add(
    startRetentionSweep(
      connection,
      config.redis.prefix,
      { ...config.retention, everyMs: config.retention.sweepEveryMs },
      logger,
      options.registry,
    ),
  );
  // Counted from the worker's own events, so the shutdown deadline can say truly whether it abandons jobs.
  let inFlight = 0;
  worker.worker.on('active', () => void inFlight++);
  const settled = (): void => void (inFlight = Math.max(0, inFlight - 1));
  worker.worker.on('completed', settled);
  worker.worker.on('failed', settled);
  return { ropo, inFlight: () => inFlight };
}
