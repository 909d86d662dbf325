import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createRedisConnection } from '../../queues/connection';
import { QUEUE_NAMES } from '../../queues/queue-names';

/** `resume`: un-pauses the onboarding queue after an operator fixed what paused it (credentials, contract). */
export function registerResumeCommand(program: Command): void {
  program
    .command('resume')
    .description('resume the onboarding queue after it was paused (e.g. by a ROPO_AUTH alert)')
    .action(async () => {
      const config = loadConfig();
      const connection = createRedisConnection(config.redis.url, 'producer');
      const queue = new Queue(QUEUE_NAMES.onboarding, { connection, prefix: config.redis.prefix });
      try {
        const wasPaused = await queue.isPaused();
        await queue.resume();
        process.stdout.write(wasPaused ? 'onboarding queue resumed\n' : 'onboarding queue was not paused\n');
      } finally {
        await queue.close();
        await connection.quit();
      }
    });
}
