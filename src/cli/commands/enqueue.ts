import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { validatePayload } from '../../contracts/validate-payload';
import { createOnboardingProducer, type EnqueueOptions } from '../../queues/onboarding-producer';
import { readRecords, splitEnvelope } from '../read-records';
import { connectForCli } from '../cli-redis';

const BATCH = 500;

/** A record may be a bare payload or `{payload, eventId?, source?}` as upstream systems send it. */
function unwrap(value: unknown, defaultSource: string): { payload: unknown; options: EnqueueOptions } {
  const { payload, eventId, source } = splitEnvelope(value);
  return { payload, options: { eventId, source: source ?? defaultSource } };
}

/** `enqueue <file|->`: one JSON object, a JSON array or NDJSON; invalid records are reported, never enqueued. */
export function registerEnqueueCommand(program: Command): void {
  program
    .command('enqueue')
    .argument('<file>', "a JSON or NDJSON file, or '-' for standard input")
    .option('--source <name>', 'the source recorded on each job', 'cli')
    .option('--json', 'print the result as JSON')
    .option(
      '--redis-url <url>',
      'Redis to use (default: REDIS_URL from this shell, else redis://127.0.0.1:6379)',
    )
    .description('validate records and put the valid ones on the onboarding queue')
    .action(async (file: string, options: { source: string; json?: boolean; redisUrl?: string }) => {
      const config = loadConfig();
      const records = await readRecords(file);
      const connection = await connectForCli(config, { redisUrl: options.redisUrl, announce: !options.json });
      const producer = createOnboardingProducer({
        connection,
        prefix: config.redis.prefix,
        attempts: config.retry.attempts,
      });
      const rejected: {
        record: number;
        line?: number;
        errors: { path: string; code: string; message: string }[];
      }[] = [];
      const accepted: { record: number; jobId: string; created: boolean }[] = [];
      try {
        const valid: { record: number; payload: unknown; options: EnqueueOptions }[] = [];
        records.forEach((entry, index) => {
          const record = index + 1;
          if (entry.error !== undefined) {
            rejected.push({
              record,
              line: entry.line,
              errors: [{ path: '', code: 'JSON_INVALID', message: entry.error }],
            });
            return;
          }
          const item = unwrap(entry.value, options.source);
          const validation = validatePayload(item.payload);
          if (validation.ok) valid.push({ record, ...item });
          else rejected.push({ record, line: entry.line, errors: validation.errors });
        });
        // A bar only where someone watches: a terminal, more than one batch, not --json.
        const bar =
          process.stderr.isTTY && !options.json && valid.length > BATCH
            ? new SingleBar(
                { format: 'enqueue [{bar}] {value}/{total}', stream: process.stderr },
                Presets.shades_classic,
              )
            : undefined;
        bar?.start(valid.length, 0);
        for (let i = 0; i < valid.length; i += BATCH) {
          const batch = valid.slice(i, i + BATCH);
          const results = await producer.enqueueMany(
            batch.map(({ payload, options: o }) => ({ payload, options: o })),
          );
          results.forEach((result, j) =>
            accepted.push({ record: (batch[j] as { record: number }).record, ...result }),
          );
          bar?.update(accepted.length);
        }
        bar?.stop();
      } finally {
        await producer.close();
        await connection.quit().catch(() => connection.disconnect());
      }

      const summary = {
        enqueued: accepted.filter((a) => a.created).length,
        duplicates: accepted.filter((a) => !a.created).length,
        invalid: rejected.length,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...summary, jobs: accepted, rejected }, null, 2)}\n`);
      } else {
        for (const job of accepted) {
          process.stdout.write(
            `record ${job.record}: ${job.created ? 'enqueued' : 'duplicate of'} job ${job.jobId}\n`,
          );
        }
        for (const bad of rejected) {
          const where = bad.line !== undefined ? `line ${bad.line}` : `record ${bad.record}`;
          for (const error of bad.errors) {
            process.stdout.write(`${where}: ${error.path || '(record)'}: ${error.code}: ${error.message}\n`);
          }
        }
        process.stdout.write(
          `${summary.enqueued} enqueued, ${summary.duplicates} duplicate(s), ${summary.invalid} invalid\n`,
        );
      }
      if (rejected.length > 0) process.exitCode = 1;
    });
}
