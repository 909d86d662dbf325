import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Job, Telemetry } from 'bullmq';
import { apply as applyMergePatch } from 'json-merge-patch';
import {
  isDeadLetterId,
  type DeadLetterRecord,
  type DeadLetterSummary,
  type ReplayOutcome,
} from '../contracts/dead-letter-record';
import { parseDuration } from '../contracts/duration';
import { buildEvent, EVENT_TYPES } from '../contracts/events';
import { validatePayload } from '../contracts/validate-payload';
import type { RedisClient } from './connection';
import { createEventPublisher } from './event-publisher';
import { createLedger } from './onboarding-ledger';
import { createOnboardingProducer } from './onboarding-producer';
import { ALL_JOB_STATES } from './job-states';
import { QUEUE_NAMES } from './queue-names';
import { openQueue } from './open-queue';

/** Re-exported for the CLI and the HTTP API, which list and replay. */
export type { DeadLetterSummary, ReplayOutcome };

/** Which dead letters an operation touches; all given conditions must hold. */
export interface DeadLetterFilter {
  /** Reason code, e.g. PAYLOAD_INVALID. */
  code?: string;
  businessId?: string;
  /** Only records dead-lettered at least this long ago. */
  olderThanMs?: number;
  /** Only records dead-lettered at most this long ago. */
  newerThanMs?: number;
  /** Only these record ids. */
  ids?: string[];
}

/** A filter as operators write it: durations as text ("15m", "7d"); the CLI and the HTTP API both give this. */
export interface DeadLetterFilterText {
  code?: string;
  businessId?: string;
  olderThan?: string;
  newerThan?: string;
  ids?: string[];
}

/** Turns a written filter into a {@link DeadLetterFilter}; a bad duration throws naming `names`' option. */
export function toDeadLetterFilter(
  fields: DeadLetterFilterText,
  names: { olderThan: string; newerThan: string } = { olderThan: 'olderThan', newerThan: 'newerThan' },
): DeadLetterFilter {
  return {
    code: fields.code,
    businessId: fields.businessId,
    olderThanMs: fields.olderThan ? parseDuration(fields.olderThan, names.olderThan) : undefined,
    newerThanMs: fields.newerThan ? parseDuration(fields.newerThan, names.newerThan) : undefined,
    ids: fields.ids,
  };
}

/** Options of a replay. */
export interface ReplayOptions {
  /** An RFC 7386 JSON merge patch applied to the payload before it is re-validated. */
  patch?: unknown;
  dryRun?: boolean;
  /** At most this many replays per second (bulk work must not flood Ropo One). */
  ratePerSecond?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The operations behind `npx onboarding dlq …` and the dead-letter HTTP API. */
export interface DeadLetterOperations {
  list(
    filter?: DeadLetterFilter,
    page?: { offset?: number; limit?: number },
  ): Promise<{ total: number; items: DeadLetterSummary[] }>;
  show(id: string): Promise<DeadLetterRecord | null>;
  replay(filter: DeadLetterFilter, options?: ReplayOptions): Promise<ReplayOutcome[]>;
  purge(filter: DeadLetterFilter, options?: { dryRun?: boolean }): Promise<{ removed: string[] }>;
  close(): Promise<void>;
}

function matches(record: DeadLetterRecord, id: string, filter: DeadLetterFilter, now: number): boolean {
  if (filter.ids && !filter.ids.includes(id)) return false;
  if (filter.code && record.reason.code !== filter.code) return false;
  if (filter.businessId && record.businessId !== filter.businessId) return false;
  const age = now - Date.parse(record.deadLetteredAt);
  if (filter.olderThanMs !== undefined && age < filter.olderThanMs) return false;
  if (filter.newerThanMs !== undefined && age > filter.newerThanMs) return false;
  return true;
}

function summarize(job: Job<DeadLetterRecord>): DeadLetterSummary {
  const record = job.data;
  return {
    id: job.id as string,
    jobId: record.jobId,
    businessId: record.businessId,
    code: record.reason.code,
    message: record.reason.message,
    fields: record.reason.errors?.map((e) => e.path) ?? [],
    attempts: record.attempts.length,
    replayCount: record.lineage.replayCount,
    deadLetteredAt: record.deadLetteredAt,
  };
}

/**
 * Runs the replay's enqueue in an `onboarding.replay` span linked to the attempt that dead-lettered
 * the job, so the new trace leads back to the original one. A no-op span when tracing is off.
 */
function inReplaySpan<T>(traceparent: string | undefined, run: () => Promise<T>): Promise<T> {
  const original = traceparent
    ? trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }))
    : undefined;
  return trace
    .getTracer('ropo-onboarding')
    .startActiveSpan(
      'onboarding.replay',
      { links: original ? [{ context: original }] : [] },
      async (span) => {
        try {
          return await run();
        } finally {
          span.end();
        }
      },
    );
}

/** Opens the operations on a connection the caller owns. */
export function createDeadLetterOperations(
  connection: RedisClient,
  prefix: string,
  /** `ropoTarget`: config's `ropo.target`, whose ledger a replay will meet. */
  options: { attempts?: number; telemetry?: Telemetry; ropoTarget: string },
): DeadLetterOperations {
  const deadLetters = openQueue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, connection, prefix);
  const producer = createOnboardingProducer({
    connection,
    prefix,
    attempts: options.attempts,
    telemetry: options.telemetry,
  });
  const events = createEventPublisher(connection, prefix);
  const ledger = createLedger(connection, prefix, options.ropoTarget);

  async function select(filter: DeadLetterFilter): Promise<Job<DeadLetterRecord>[]> {
    const now = Date.now();
    // An id of another shape is no dead letter: never ask Redis for `meta` or `events` as a job.
    const jobs = filter.ids
      ? (await Promise.all(filter.ids.filter(isDeadLetterId).map((id) => deadLetters.getJob(id)))).filter(
          (j): j is Job<DeadLetterRecord> => !!j,
        )
      : await deadLetters.getJobs(ALL_JOB_STATES);
    return jobs
      .filter((job) => job?.data && matches(job.data, job.id as string, filter, now))
      .sort((a, b) => (a.data.deadLetteredAt < b.data.deadLetteredAt ? -1 : 1));
  }

  async function replayOne(job: Job<DeadLetterRecord>, replay: ReplayOptions): Promise<ReplayOutcome> {
    const id = job.id as string;
    const record = job.data;
    const payload =
      replay.patch === undefined
        ? record.payload
        : applyMergePatch(structuredClone(record.payload), replay.patch);
    const validation = validatePayload(payload);
    if (!validation.ok) return { id, action: 'invalid', errors: validation.errors };

    const replayCount = record.lineage.replayCount + 1;
    const newJobId = `rp-${record.lineage.originalJobId}-${replayCount}`;
    const ledgerEntry = await ledger.get(validation.businessId);
    const ledgerState = ledgerEntry?.state ?? 'none';
    if (replay.dryRun) return { id, action: 'would-replay', newJobId, ledger: ledgerState };

    // Enqueue first, remove the record after: a crash in between leaves a record and a job with a
    // fixed id, and replaying again adds nothing new.
    await inReplaySpan(record.lineage.traceparent, () =>
      producer.enqueue(payload, {
        eventId: record.eventId,
        source: record.source,
        replayOf: record.lineage.originalJobId,
        replayCount,
        jobId: newJobId,
      }),
    );
    await events.publish(
      buildEvent(EVENT_TYPES.replayed, {
        jobId: newJobId,
        businessId: validation.businessId,
        replayOf: record.lineage.originalJobId,
        deadLetterId: id,
        replayCount,
      }),
    );
    await job.remove();
    return { id, action: 'replayed', newJobId, ledger: ledgerState };
  }

  return {
    async list(filter = {}, page = {}) {
      const selected = await select(filter);
      const offset = page.offset ?? 0;
      const limit = page.limit ?? 100;
      return { total: selected.length, items: selected.slice(offset, offset + limit).map(summarize) };
    },
    async show(id) {
      if (!isDeadLetterId(id)) return null;
      return (await deadLetters.getJob(id))?.data ?? null;
    },
    async replay(filter, replay = {}) {
      const selected = await select(filter);
      const outcomes: ReplayOutcome[] = [];
      if (filter.ids) {
        for (const missing of filter.ids.filter((id) => !selected.some((job) => job.id === id))) {
          outcomes.push({ id: missing, action: 'not-found' });
        }
      }
      const spacingMs = replay.ratePerSecond && !replay.dryRun ? 1000 / replay.ratePerSecond : 0;
      for (const [index, job] of selected.entries()) {
        const started = Date.now();
        outcomes.push(await replayOne(job, replay));
        replay.onProgress?.(index + 1, selected.length);
        const wait = spacingMs - (Date.now() - started);
        if (wait > 0 && index < selected.length - 1)
          await new Promise((resolve) => setTimeout(resolve, wait));
      }
      return outcomes;
    },
    async purge(filter, purge = {}) {
      const selected = await select(filter);
      if (!purge.dryRun) for (const job of selected) await job.remove();
      return { removed: selected.map((job) => job.id as string) };
    },
    async close() {
      await Promise.all([deadLetters.close(), producer.close(), events.close()]);
    },
  };
}
