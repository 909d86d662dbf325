import { Queue, type Job } from 'bullmq';
import type { DeadLetterRecord } from '../../../src/contracts/dead-letter-record';
import type { OnboardingEvent } from '../../../src/contracts/events';
import type { OnboardingJobResult } from '../../../src/contracts/onboarding-job';
import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { waitForOutboxDrained } from '../../support/outbox';

/** Where every job of a run ended, as the acceptance criteria count it. */
export interface OutcomeCount {
  created: number;
  pending: number;
  exists: number;
  deadLettered: number;
  /** Failed with no dead-letter record: a job that ended without an outcome anyone can act on. */
  failedWithoutRecord: string[];
  /** Not (yet) completed or failed. */
  unfinished: string[];
  /** Never found in Redis at all. */
  missing: string[];
}

/** Reads the three queues of one prefix from outside the workers. */
export interface QueueInspector {
  connection: RedisClient;
  onboarding: Queue;
  /** Job counts by state on `onboarding`. */
  counts(): Promise<Record<string, number>>;
  /** Polls until no job is waiting, active, delayed or prioritized; returns the ms it took. */
  waitUntilDrained(timeoutMs: number, expectedFinished?: number): Promise<number>;
  outcomes(jobIds: string[]): Promise<OutcomeCount>;
  /**
   * When each job ended (ms since the epoch), undefined while it has not: a completed or failed
   * job's finishedOn, or, for a job removed once dead-lettered, its record's deadLetteredAt.
   */
  endedAt(jobIds: string[]): Promise<Map<string, number | undefined>>;
  events(): Promise<OnboardingEvent[]>;
  deadLetters(): Promise<DeadLetterRecord[]>;
  close(): Promise<void>;
}

const OPEN_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Opens an inspector; `redisUrl` may be a Cluster node list like the workers'. */
export function createQueueInspector(redisUrl: string, prefix: string): QueueInspector {
  const connection = createRedisConnection(redisUrl, 'worker');
  connection.on('error', () => undefined);
  const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection, prefix });
  const events = new Queue(QUEUE_NAMES.events, { connection, prefix });
  const deadLetters = new Queue(QUEUE_NAMES.deadLetter, { connection, prefix });
  for (const queue of [onboarding, events, deadLetters]) queue.on('error', () => undefined);

  const counts = () =>
    onboarding.getJobCounts(...OPEN_STATES, 'completed', 'failed') as Promise<Record<string, number>>;

  return {
    connection,
    onboarding,
    counts,
    async waitUntilDrained(timeoutMs, expectedFinished) {
      const started = Date.now();
      for (;;) {
        const c = await counts();
        const open = OPEN_STATES.reduce((n, s) => n + (c[s] ?? 0), 0);
        // A dead-lettered job is removed once its record is written: the records count as finished.
        const records = Object.values(await deadLetters.getJobCounts()).reduce((n, v) => n + v, 0);
        const finished = (c.completed ?? 0) + Math.max(c.failed ?? 0, records);
        if (open === 0 && (expectedFinished === undefined || finished >= expectedFinished)) {
          // Finished jobs' events may still sit in the outbox (a killed worker's until the next sweep).
          await waitForOutboxDrained(connection, prefix, Math.max(1_000, timeoutMs - (Date.now() - started)));
          return Date.now() - started;
        }
        if (Date.now() - started > timeoutMs) {
          throw new Error(`queue not drained after ${timeoutMs} ms: ${JSON.stringify(c)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async outcomes(jobIds) {
      const result: OutcomeCount = {
        created: 0,
        pending: 0,
        exists: 0,
        deadLettered: 0,
        failedWithoutRecord: [],
        unfinished: [],
        missing: [],
      };
      const recorded = new Set((await this.deadLetters()).map((record) => record.jobId));
      const completed = (await onboarding.getJobs(['completed'], 0, -1)) as Job<
        unknown,
        OnboardingJobResult
      >[];
      const failed = await onboarding.getJobs(['failed'], 0, -1);
      const byId = new Map<string, 'completed' | 'failed'>();
      const outcomeOf = new Map<string, OnboardingJobResult['outcome']>();
      for (const job of completed) {
        byId.set(job.id as string, 'completed');
        outcomeOf.set(job.id as string, job.returnvalue.outcome);
      }
      for (const job of failed) byId.set(job.id as string, 'failed');
      for (const jobId of jobIds) {
        const state = byId.get(jobId);
        if (state === 'completed') {
          const outcome = outcomeOf.get(jobId);
          if (outcome === 'created') result.created += 1;
          else if (outcome === 'pending') result.pending += 1;
          else if (outcome === 'exists') result.exists += 1;
          else result.failedWithoutRecord.push(jobId);
        } else if (state === 'failed') {
          if (recorded.has(jobId)) result.deadLettered += 1;
          else result.failedWithoutRecord.push(jobId);
        } else {
          const live = await onboarding.getJobState(jobId);
          if (live === 'unknown' && recorded.has(jobId)) result.deadLettered += 1;
          else if (live === 'unknown') result.missing.push(jobId);
          else result.unfinished.push(jobId);
        }
      }
      return result;
    },
    async endedAt(jobIds) {
      const ended = new Map<string, number | undefined>();
      // The dead-letter records are read only when a job is gone, and then once for all of them.
      let records: Map<string, DeadLetterRecord> | undefined;
      for (const jobId of jobIds) {
        const job = await onboarding.getJob(jobId);
        if (job) {
          ended.set(jobId, job.finishedOn);
          continue;
        }
        records ??= new Map((await this.deadLetters()).map((record) => [record.jobId, record]));
        const recordedAt = Date.parse(records.get(jobId)?.deadLetteredAt ?? '');
        ended.set(jobId, Number.isFinite(recordedAt) ? recordedAt : undefined);
      }
      return ended;
    },
    async events() {
      await waitForOutboxDrained(connection, prefix);
      const jobs = await events.getJobs([...OPEN_STATES, 'completed', 'failed'], 0, -1);
      return jobs.map((job) => job.data as OnboardingEvent);
    },
    async deadLetters() {
      const jobs = await deadLetters.getJobs([...OPEN_STATES, 'completed', 'failed'], 0, -1);
      return jobs.map((job) => job.data as DeadLetterRecord);
    },
    async close() {
      await Promise.all([onboarding.close(), events.close(), deadLetters.close()]).catch(() => undefined);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Business ids with other than exactly one outcome event (the map holds the count, 0 = none). */
export function eventCountsOffByOne(events: OnboardingEvent[], businessIds: string[]): Map<string, number> {
  const perId = new Map<string, number>(businessIds.map((id) => [id, 0]));
  for (const event of events) {
    if (perId.has(event.subject)) perId.set(event.subject, (perId.get(event.subject) ?? 0) + 1);
  }
  return new Map([...perId].filter(([, n]) => n !== 1));
}
