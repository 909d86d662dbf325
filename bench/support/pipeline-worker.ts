import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createRedisConnection } from '../../src/queues/connection';
import { createRopoClient } from '../../src/ropo';
import { startTracing } from '../../src/telemetry/tracing';
import { createWorker } from '../../src/workers/onboarding-worker';

/**
 * The full pipeline as `onboarding worker` runs it: config from the environment, a winston logger on
 * stdout, the Ropo client with its shared token cache, and `createWorker` (validation, ledger, events,
 * limiter, breaker). Returns its stop function.
 */
export async function startPipelineWorker(environment: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  // As `onboarding worker` does: on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the tracing bench).
  const tracing = await startTracing('worker', environment);
  const config = loadConfig(environment);
  const logger = createLogger({ level: config.log.level, defaultMeta: { role: 'worker' } });
  const connection = createRedisConnection(config.redis.url, 'worker');
  const ropo = createRopoClient({
    baseUrl: config.ropo.baseUrl as string,
    cid: config.ropo.cid as string,
    apicode: config.ropo.apicode as string,
    timeoutMs: config.ropo.timeoutMs,
    redis: connection as Redis,
    keyPrefix: config.redis.prefix,
    logger,
  });
  const worker = createWorker({ connection, ropo, logger, config, tracing });
  await worker.worker.waitUntilReady();
  return async () => {
    await worker.close();
    await ropo.close();
    await connection.quit();
    await tracing.shutdown();
  };
}
