import fs from 'node:fs';
import { forbiddenPatchKey } from '../../contracts/merge-patch-keys';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import {
  createDeadLetterOperations,
  toDeadLetterFilter,
  type DeadLetterFilter,
  type DeadLetterOperations,
} from '../../queues/dead-letter-operations';
import { connectForCli } from '../cli-redis';

interface FilterOptions {
  code?: string;
  businessId?: string;
  olderThan?: string;
  newerThan?: string;
  json?: boolean;
  redisUrl?: string;
}

function withFilters(command: Command): Command {
  return command
    .option('--code <code>', 'only records with this reason code, e.g. PAYLOAD_INVALID')
    .option('--business-id <id>', 'only records for this business id')
    .option('--older-than <duration>', 'only records dead-lettered at least this long ago (90s, 15m, 2h, 7d)')
    .option('--newer-than <duration>', 'only records dead-lettered at most this long ago')
    .option('--json', 'print machine-readable JSON')
    .option(
      '--redis-url <url>',
      'Redis to use (default: REDIS_URL from this shell, else redis://127.0.0.1:6379)',
    );
}

function filterFrom(ids: string[], options: FilterOptions): DeadLetterFilter {
  return toDeadLetterFilter(
    { ...options, ids: ids.length > 0 ? ids : undefined },
    { olderThan: '--older-than', newerThan: '--newer-than' },
  );
}

function readPatch(value: string): unknown {
  const text = value.startsWith('@') ? fs.readFileSync(value.slice(1), 'utf8') : value;
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch {
    throw new Error('--patch: expected a JSON merge patch (RFC 7386), inline or as @file');
  }
  const forbidden = forbiddenPatchKey(patch);
  if (forbidden) throw new Error(`--patch: the key ${forbidden} can never be applied; nothing was replayed`);
  return patch;
}

async function withOperations<T>(
  run: (ops: DeadLetterOperations) => Promise<T>,
  options: { redisUrl?: string; json?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const connection = await connectForCli(config, { redisUrl: options.redisUrl, announce: !options.json });
  const ops = createDeadLetterOperations(connection, config.redis.prefix, {
    attempts: config.retry.attempts,
    ropoTarget: config.ropo.target,
  });
  try {
    return await run(ops);
  } finally {
    await ops.close();
    await connection.quit();
  }
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** `dlq list|show|replay|purge`: inspect dead letters, replay them (optionally patched), or drop them. */
export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('inspect, replay and purge dead-lettered onboarding jobs');

  withFilters(dlq.command('list'))
    .option('--limit <n>', 'at most this many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .description('list dead letters (without payloads), oldest first')
    .action(async (options: FilterOptions & { limit: string; offset: string }) => {
      await withOperations(async (ops) => {
        const page = await ops.list(filterFrom([], options), {
          limit: Number(options.limit),
          offset: Number(options.offset),
        });
        if (options.json) return print(page);
        for (const item of page.items) {
          const fields = item.fields.length > 0 ? ` [${item.fields.join(', ')}]` : '';
          process.stdout.write(
            `${item.id}  ${item.deadLetteredAt}  ${item.code.padEnd(20)} ${item.businessId ?? '-'}  ${item.message}${fields}\n`,
          );
        }
        process.stdout.write(`${page.items.length} of ${page.total} dead letter(s)\n`);
      }, options);
    });

  dlq
    .command('show')
    .argument('<id>', 'the dead-letter id (dl-…)')
    .description('print one dead-letter record in full, payload included')
    .option(
      '--redis-url <url>',
      'Redis to use (default: REDIS_URL from this shell, else redis://127.0.0.1:6379)',
    )
    .action(async (id: string, options: { redisUrl?: string }) => {
      await withOperations(async (ops) => {
        const record = await ops.show(id);
        if (!record) {
          process.stderr.write(`no dead letter ${id}\n`);
          process.exitCode = 1;
          return;
        }
        print(record);
      }, options);
    });

  withFilters(dlq.command('replay'))
    .argument('[ids...]', 'dead-letter ids; or select with the filters')
    .option('--all', 'replay every record the filters select (required when no id is given)')
    .option(
      '--patch <json|@file>',
      'JSON merge patch applied to each payload, re-validated before enqueueing',
    )
    .option('--dry-run', 'show what would happen; change nothing')
    .option('--yes', 'confirm a replay selected by filters rather than ids')
    .option('--rate <n>', 'at most n replays per second', '20')
    .description(
      're-enqueue dead letters; a record leaves the dead-letter queue only once its new job is stored',
    )
    .action(
      async (
        ids: string[],
        options: FilterOptions & {
          all?: boolean;
          patch?: string;
          dryRun?: boolean;
          yes?: boolean;
          rate: string;
        },
      ) => {
        const filtered = Boolean(
          options.code || options.businessId || options.olderThan || options.newerThan,
        );
        if (ids.length === 0 && !options.all && !filtered)
          throw new Error(
            'give dead-letter ids, filters (--code, --business-id, --older-than, --newer-than) or --all',
          );
        if (ids.length === 0 && !options.all && !options.dryRun && !options.yes)
          throw new Error(
            'replaying by filter re-enqueues every record it selects: add --yes, or --dry-run to look first',
          );
        const patch = options.patch ? readPatch(options.patch) : undefined;
        await withOperations(async (ops) => {
          const bar = new SingleBar(
            { format: 'replay [{bar}] {value}/{total}', stream: process.stderr },
            Presets.shades_classic,
          );
          let started = false;
          const outcomes = await ops.replay(filterFrom(ids, options), {
            patch,
            dryRun: options.dryRun,
            ratePerSecond: Number(options.rate) || undefined,
            onProgress: (done, total) => {
              if (!started && total > 1 && !options.json) {
                bar.start(total, 0);
                started = true;
              }
              if (started) bar.update(done);
            },
          });
          if (started) bar.stop();
          if (options.json) return print(outcomes);
          for (const outcome of outcomes) {
            if (outcome.action === 'invalid') {
              for (const error of outcome.errors) {
                process.stdout.write(
                  `${outcome.id}: still invalid: ${error.path}: ${error.code}: ${error.message}\n`,
                );
              }
            } else if (outcome.action === 'not-found') {
              process.stdout.write(`${outcome.id}: no such dead letter\n`);
            } else {
              const note =
                outcome.ledger === 'none' ? '' : ` (customer already ${outcome.ledger}: no second creation)`;
              process.stdout.write(`${outcome.id}: ${outcome.action} as job ${outcome.newJobId}${note}\n`);
            }
          }
          const count = (action: string): number => outcomes.filter((o) => o.action === action).length;
          const invalid = count('invalid');
          const notFound = count('not-found');
          process.stdout.write(
            `${options.dryRun ? 'dry run: ' : ''}${outcomes.length} selected, ` +
              `${outcomes.length - invalid - notFound} ${options.dryRun ? 'would be replayed' : 'replayed'}, ` +
              `${invalid} still invalid, ${notFound} not found\n`,
          );
          if (invalid > 0 || notFound > 0) process.exitCode = 1;
        }, options);
      },
    );

  withFilters(dlq.command('purge'))
    .option('--yes', 'really delete (without it, nothing is deleted)')
    .option('--dry-run', 'list what would be deleted')
    .description('delete dead letters the filters select')
    .action(async (options: FilterOptions & { yes?: boolean; dryRun?: boolean }) => {
      const filter = filterFrom([], options);
      if (!options.dryRun && !options.yes)
        throw new Error('purge deletes records for good: add --yes, or --dry-run to look first');
      await withOperations(async (ops) => {
        const { removed } = await ops.purge(filter, { dryRun: options.dryRun });
        if (options.json) return print({ dryRun: !!options.dryRun, removed });
        process.stdout.write(
          `${options.dryRun ? 'would delete' : 'deleted'} ${removed.length} dead letter(s)\n`,
        );
      }, options);
    });
}
