import type { Config } from '../config';
import type { Logger } from '../logger';
import { createRedisConnection } from '../queues/connection';
import { checkRedisSettings } from '../queues/redis-settings-check';
import { createWorker } from '../../workers/onboarding-worker';
import type { Lifecycle } from './lifecycle';
import { openRopoTarget, type RopoTarget } from './ropo-target';

/** Starts the worker with its Redis connection and Ropo target; registers their stops on the lifecycle. */
export async function startWorkerStack(
  config: Config,
  redisUrl: string,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ ropo: RopoTarget }> {
  const connection = createRedisConnection(redisUrl, 'worker');
  lifecycle.add(async () => void (await connection.quit()));
  for (const warning of await checkRedisSettings(connection)) logger.warn(warning);

  const ropo = await openRopoTarget(config, connection, logger);
  lifecycle.add(ropo.close);
  const worker = createWorker({ connection, ropo: ropo.client, logger, config });
  lifecycle.add(worker.close);
  return { ropo };
}
