import type { JobType, Queue } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import type { Retention } from '../config';
import type { Logger } from '../logger';
import { trimAuditStreams } from '../queues/audit-retention';
import type { RedisClient } from '../queues/connection';
import { createDeadLetterOperations } from '../queues/dead-letter-operations';
import { openQueue } from '../queues/open-queue';
import { stripCompletedJob } from '../queues/payload-retention';
import { QUEUE_NAMES } from '../queues/queue-names';
import { metricOnce } from './prometheus-observer';

/** The limits the sweep enforces (EVENTS_RETENTION, COMPLETED_RETENTION, DEAD_LETTER_RETENTION_DAYS, AUDIT_RETENTION). */
export interface RetentionSettings {
  events: Retention;
  completed: Retention;
  deadLetterMs: number;
  /** The credential and erasure audit streams. */
  audit: Retention;
  /** config's `ropo.target`: the dead-letter operations are opened for it (a purge never meets its ledger). */
  ropoTarget: string;
}

/** What one sweep removed (or stripped), by kind. */
export interface SweepResult {
  deadLetters: number;
  events: number;
  completedJobs: number;
  /** Completed jobs that still held their payload (the worker died between completing and stripping). */
  stripped: number;
  /** Entries of the credential and erasure audit streams. */
  auditEntries: number;
  /** Why the audit streams could not be trimmed (e.g. a Redis before 6.2 has no XTRIM MINID); the rest of the sweep still ran. */
  auditTrimError?: string;
}

// How many of the newest completed jobs each sweep checks for a payload left behind.
const STRIP_CHECK = 1000;

/** A state `Queue.clean` accepts. */
type CleanState = NonNullable<Parameters<Queue['clean']>[2]>;

// Every state an event can sit in, consumed or not: with no delivery running, events wait forever.
const EVENT_STATES: CleanState[] = ['wait', 'delayed', 'prioritized', 'completed', 'failed'];

const countable = (state: CleanState): JobType => (state === 'wait' ? 'waiting' : state) as JobType;

async function cleanOlder(queue: Queue, ageMs: number, states: CleanState[]): Promise<number> {
  let removed = 0;
  for (const state of states) removed += (await queue.clean(ageMs, 0, state)).length;
  return removed;
}

// Over the count: the oldest go first, finished ones before waiting ones.
async function cleanOverCount(
  queue: Queue,
  count: number | undefined,
  states: CleanState[],
): Promise<number> {
  if (count === undefined) return 0;
  let removed = 0;
  for (const state of states) {
    const counts = await queue.getJobCounts(...states.map(countable));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total <= count) break;
    removed += (await queue.clean(0, total - count, state)).length;
  }
  return removed;
}

/** Runs one retention sweep: expired dead letters, events, completed jobs and audit entries go; stray payloads are stripped. */
export async function sweepRetention(
  connection: RedisClient,
  prefix: string,
  settings: RetentionSettings,
): Promise<SweepResult> {
  const onboarding = openQueue(QUEUE_NAMES.onboarding, connection, prefix);
  const events = openQueue(QUEUE_NAMES.events, connection, prefix);
  const deadLetters = createDeadLetterOperations(connection, prefix, { ropoTarget: settings.ropoTarget });
  try {
    // Purging also removes what is left of each record's source job.
    const expired = await deadLetters.purge({ olderThanMs: settings.deadLetterMs });
    const eventsRemoved =
      (await cleanOlder(events, settings.events.ageMs, EVENT_STATES)) +
      (await cleanOverCount(events, settings.events.count, ['completed', 'failed', 'wait']));
    const completedJobs =
      (await cleanOlder(onboarding, settings.completed.ageMs, ['completed'])) +
      (await cleanOverCount(onboarding, settings.completed.count, ['completed']));
    let stripped = 0;
    for (const job of await onboarding.getJobs(['completed'], 0, STRIP_CHECK - 1, false)) {
      if (job && (await stripCompletedJob(job))) stripped += 1;
    }
    const counts = { deadLetters: expired.removed.length, events: eventsRemoved, completedJobs, stripped };
    try {
      return { ...counts, auditEntries: await trimAuditStreams(connection, prefix, settings.audit) };
    } catch (error) {
      // Reported with the counts of what was removed, rather than losing them to a failed sweep.
      return {
        ...counts,
        auditEntries: 0,
        auditTrimError: error instanceof Error ? error.message : String(error),
      };
    }
  } finally {
    await Promise.all([onboarding.close(), events.close(), deadLetters.close()]);
  }
}

/**
 * Sweeps every `everyMs` (and once at start). Several workers may run it: removing twice is a no-op.
 * Each sweep that removed something logs one line with the counts and adds them to
 * `onboarding_retention_removed_total{kind}`. Returns the stop function.
 */
export function startRetentionSweep(
  connection: RedisClient,
  prefix: string,
  settings: RetentionSettings & { everyMs: number },
  logger: Logger,
  registry?: Registry,
): () => Promise<void> {
  const removed =
    registry &&
    metricOnce(
      registry,
      'onboarding_retention_removed_total',
      () =>
        new Counter({
          name: 'onboarding_retention_removed_total',
          help: 'Items removed (or payloads stripped) for being past their retention, by kind',
          labelNames: ['kind'],
          registers: [registry],
        }),
    );
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = sweepRetention(connection, prefix, settings)
      .then((result) => {
        removed?.inc({ kind: 'dead_letter' }, result.deadLetters);
        removed?.inc({ kind: 'event' }, result.events);
        removed?.inc({ kind: 'completed_job' }, result.completedJobs);
        removed?.inc({ kind: 'stripped_payload' }, result.stripped);
        removed?.inc({ kind: 'audit_entry' }, result.auditEntries);
        if (result.auditTrimError) {
          logger.warn('retention sweep could not trim the audit streams; it tries again next sweep', {
            error: result.auditTrimError,
            auditRetentionDays: settings.audit.ageMs / 86_400_000,
          });
        }
        const { auditTrimError: _error, ...counts } = result;
        if (Object.values(counts).some((n) => n > 0)) {
          logger.info('retention sweep removed data past its retention', {
            deadLettersPurged: result.deadLetters,
            eventsRemoved: result.events,
            completedJobsRemoved: result.completedJobs,
            payloadsStripped: result.stripped,
            auditEntriesRemoved: result.auditEntries,
            deadLetterRetentionDays: settings.deadLetterMs / 86_400_000,
          });
        }
      })
      .catch((error: unknown) => {
        logger.warn('retention sweep failed; it runs again later', { error });
      });
  };
  const timer = setInterval(sweep, settings.everyMs);
  timer.unref();
  sweep();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
