import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { checkBusinessId } from '../../contracts/finnish-business-id';
import { createRedisConnection } from '../../queues/connection';
import { eraseCustomer, type ErasureReport } from '../../queues/customer-erasure';

/** Exit code of a refused command line (bad id, neither --dry-run nor --yes), as commander uses for usage errors. */
const USAGE = 2;

function printReport(report: ErasureReport): void {
  const verb = report.dryRun ? 'would erase' : 'erased';
  process.stdout.write(`${verb} ${report.businessId}: ${report.total} item(s)\n`);
  for (const [kind, count] of Object.entries(report.counts)) {
    process.stdout.write(`  ${kind.padEnd(24)} ${count}\n`);
  }
  if (report.dryRun) process.stdout.write('nothing was removed; run again with --yes to erase\n');
}

/** `erase <business-id>`: removes every trace of the customer; `--dry-run` counts, `--yes` acts. */
export function registerEraseCommand(program: Command): void {
  program
    .command('erase')
    .argument('<business-id>', 'the customer to erase (a Finnish business id, e.g. 0112038-9)')
    .option('--dry-run', 'only list what would be removed, by kind and count')
    .option('--yes', 'really erase (required: erasure cannot be undone)')
    .option('--json', 'print machine-readable JSON')
    .description(
      'erase every trace of a customer (GDPR): jobs on every queue, their BullMQ stream entries, dead letters, ' +
        'events, attempt logs, ledger entry, profile uuids, credentials; leaves an audit entry without the id',
    )
    .action(async (businessId: string, options: { dryRun?: boolean; yes?: boolean; json?: boolean }) => {
      const invalid = checkBusinessId(businessId);
      if (invalid) {
        process.stderr.write(`refused: ${invalid.message}\n`);
        process.exitCode = USAGE;
        return;
      }
      if (!options.dryRun && !options.yes) {
        process.stderr.write(
          'refused: erasure cannot be undone; give --dry-run to see what would go, or --yes to erase\n',
        );
        process.exitCode = USAGE;
        return;
      }
      const config = loadConfig();
      const connection = createRedisConnection(config.redis.url, 'producer');
      try {
        const report = await eraseCustomer(connection, config.redis.prefix, businessId, {
          dryRun: options.dryRun === true,
          who: `cli:${userInfo().username}`,
          hmacKey: config.erasure.hmacKey,
        });
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report);
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
