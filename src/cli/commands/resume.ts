import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { queueStreams } from '../../queues/job-options';
import { QUEUE_NAMES } from '../../queues/queue-names';
import { connectForCli } from '../cli-redis';

/** `resume`: un-pauses the onboarding queue after an operator fixed what paused it (credentials, contract). */
export function registerResumeCommand(program: Command): void {
  program
    .command('resume')
    .description('resume the onboarding queue after it was paused (e.g. by a ROPO_AUTH alert)')
    .option(
      '--redis-url <url>',
      'Redis to use (default: REDIS_URL from this shell, else redis://127.0.0.1:6379)',
    )
    .action(async (options: { redisUrl?: string }) => {
      const config = loadConfig();
      const connection = await connectForCli(config, { redisUrl: options.redisUrl });
      const queue = new Queue(QUEUE_NAMES.onboarding, {
        connection,
        prefix: config.redis.prefix,
        streams: queueStreams(),
      });
      try {
        const wasPaused = await queue.isPaused();
        await queue.resume();
        // A 429 or an open breaker holds every worker through the global rate limit; without removing
        // its key, jobs would still wait out the hold after "resumed".
        const heldMs = await queue.getRateLimitTtl();
        const hold = heldMs > 0 && (await queue.removeRateLimitKey()) > 0;
        process.stdout.write(
          `${wasPaused ? 'onboarding queue resumed' : 'onboarding queue was not paused'}` +
            `${hold ? `; rate-limit hold of ${heldMs} ms lifted` : ''}\n`,
        );
      } finally {
        await queue.close();
        await connection.quit();
      }
    });
}
