import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logger';
import { createLifecycle } from '../lifecycle';
import { startWorkerStack } from '../worker-stack';

/** `worker`: processes onboarding jobs from REDIS_URL; run as many as throughput needs. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('process onboarding jobs (the sandbox runs in-process unless ROPO_BASE_URL is set)')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.log.level, defaultMeta: { role: 'worker' } });
      const lifecycle = createLifecycle(logger);
      try {
        await startWorkerStack(config, config.redis.url, logger, lifecycle);
        logger.info('worker ready', {
          concurrency: config.worker.concurrency,
          queuePrefix: config.redis.prefix,
        });
      } catch (error) {
        await lifecycle.stopAll();
        throw error;
      }
    });
}
