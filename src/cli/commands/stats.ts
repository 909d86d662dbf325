import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { COUNTED_STATES, readQueueStats } from '../../queues/queue-stats';
import { connectForCli } from '../cli-redis';

/** `stats`: job counts per queue and state, and the latest outcome events. */
export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .option('--json', 'print machine-readable JSON')
    .option(
      '--redis-url <url>',
      'Redis to use (default: REDIS_URL from this shell, else redis://127.0.0.1:6379)',
    )
    .option('--recent <n>', 'how many recent events to show', '10')
    .description('show job counts per queue and state, and the most recent outcome events')
    .action(async (options: { json?: boolean; recent: string; redisUrl?: string }) => {
      const config = loadConfig();
      const connection = await connectForCli(config, { redisUrl: options.redisUrl, announce: !options.json });
      try {
        const stats = await readQueueStats(connection, config.redis.prefix, Number(options.recent) || 10);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
          return;
        }
        const header = ['queue', ...COUNTED_STATES].map((h) => h.padEnd(12)).join('');
        process.stdout.write(`prefix ${stats.prefix}\n${header}\n`);
        for (const [name, counts] of Object.entries(stats.queues)) {
          const row = [
            name.slice(0, 23).padEnd(24),
            ...COUNTED_STATES.map((s) => String(counts[s]).padEnd(12)),
          ];
          process.stdout.write(`${row.join('')}${counts.isPaused ? ' (paused)' : ''}\n`);
        }
        process.stdout.write('\nbreakers\n');
        for (const breaker of stats.breakers) {
          process.stdout.write(
            `${breaker.worker.padEnd(32)} ${breaker.state.padEnd(10)} since ${breaker.since}\n`,
          );
        }
        process.stdout.write('\nrecent events\n');
        for (const event of stats.recentEvents) {
          process.stdout.write(
            `${event.time}  ${event.type.padEnd(30)} ${event.subject}  job ${String(event.jobId)}\n`,
          );
        }
      } finally {
        await connection.quit();
      }
    });
}
