import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createRedisConnection } from '../../queues/connection';
import { eraseCustomer } from '../../queues/customer-erasure';

/** `erase <business-id>`: removes the customer's data from every queue, the ledger and the dead letters. */
export function registerEraseCommand(program: Command): void {
  program
    .command('erase')
    .argument('<business-id>', 'the customer to erase')
    .option('--json', 'print machine-readable JSON')
    .description("erase a customer's payloads, dead letters, events and ledger entry (GDPR)")
    .action(async (businessId: string, options: { json?: boolean }) => {
      const config = loadConfig();
      const connection = createRedisConnection(config.redis.url, 'producer');
      try {
        const report = await eraseCustomer(connection, config.redis.prefix, businessId);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          process.stdout.write(
            `erased ${businessId}: ${report.onboardingJobs.length} onboarding job(s), ` +
              `${report.deadLetters.length} dead letter(s), ${report.events.length} event(s), ` +
              `ledger entry ${report.ledger ? 'removed' : 'absent'}\n`,
          );
        }
        if (report.skippedActive.length > 0) {
          process.stderr.write(
            `running now, not erased (run erase again once they end): ${report.skippedActive.join(', ')}\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        await connection.quit();
      }
    });
}
