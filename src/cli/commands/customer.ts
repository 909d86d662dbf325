import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createRedisConnection } from '../../queues/connection';
import { readCustomerTimeline } from '../../queues/customer-timeline';

/** `customer <business-id>`: the customer's state and every step with its time. */
export function registerCustomerCommand(program: Command): void {
  program
    .command('customer')
    .argument('<business-id>', 'the customer')
    .option('--json', 'print machine-readable JSON')
    .description(
      "show a customer's state (received, created, pending, activated, dead-lettered, erased) and timeline",
    )
    .action(async (businessId: string, options: { json?: boolean }) => {
      const config = loadConfig();
      const connection = createRedisConnection(config.redis.url, 'producer');
      try {
        const timeline = await readCustomerTimeline(
          connection,
          config.redis.prefix,
          config.ropo.target,
          businessId,
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
        } else {
          process.stdout.write(`${businessId}: ${timeline.state}\n`);
          for (const step of timeline.steps) {
            const details = [
              step.jobId && `job ${step.jobId}`,
              step.attempt !== undefined && `attempt ${step.attempt}`,
              step.code,
              step.replayOf && `replay of ${step.replayOf}`,
              step.matched !== undefined && `matched ${String(step.matched)}`,
            ].filter(Boolean);
            process.stdout.write(`  ${step.at}  ${step.step.padEnd(15)} ${details.join(', ')}\n`);
          }
        }
        if (timeline.state === 'unknown') process.exitCode = 1;
      } finally {
        await connection.quit();
      }
    });
}
