import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { findStalledWizards, readFunnel } from '../../queues/customer-funnel';
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
        const queueStats = await readQueueStats(
          connection,
          config.redis.prefix,
          Number(options.recent) || 10,
        );
        const stats = {
          ...queueStats,
          funnel: await readFunnel(connection, config.redis.prefix, config.ropo.target),
          stalledWizards: await findStalledWizards({
            connection,
            prefix: config.redis.prefix,
            target: config.ropo.target,
            afterMs: config.activation.wizardStalledAfterMs,
          }),
        };
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
        const f = stats.funnel;
        process.stdout.write(
          `\nfunnel  received ${f.received}  created ${f.created}  pending ${f.pending}  activated ${f.activated}  dead-lettered ${f.deadLettered}  wizard stalled ${f.wizardStalled}\n`,
        );
        process.stdout.write(
          `\nstalled in Ropo's wizard (pending longer than WIZARD_STALLED_AFTER): ${stats.stalledWizards.length}\n`,
        );
        for (const s of stats.stalledWizards)
          process.stdout.write(
            `${s.businessId.padEnd(12)} pending since ${s.pendingSince}  job ${s.jobId}\n`,
          );
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
