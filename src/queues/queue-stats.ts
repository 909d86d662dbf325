import type { Queue } from 'bullmq';
import type { OnboardingEvent } from '../contracts/events';
import { readBreakers, type BreakerReport } from './breaker-registry';
import type { RedisClient } from './connection';
import { ALL_QUEUE_NAMES, QUEUE_NAMES } from './queue-names';
import { openQueue } from './open-queue';

/** The job states that `stats` counts. */
export const COUNTED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** A snapshot of the service's queues, without personal data. */
export interface QueueStats {
  prefix: string;
  queues: Record<string, Record<(typeof COUNTED_STATES)[number], number> & { isPaused: boolean }>;
  /** Each running worker's circuit breaker toward Ropo One. */
  breakers: BreakerReport[];
  /** The most recent outcome events, newest first. */
  recentEvents: { id: string; type: string; subject: string; time: string; jobId: unknown }[];
}

/** Reads counts per queue and state, and the latest outcome events. */
export async function readQueueStats(
  connection: RedisClient,
  prefix: string,
  recent = 10,
): Promise<QueueStats> {
  const queues = ALL_QUEUE_NAMES.map((name) => openQueue(name, connection, prefix));
  try {
    const counts = await Promise.all(
      queues.map(async (queue) => ({
        ...((await queue.getJobCounts(...COUNTED_STATES)) as Record<(typeof COUNTED_STATES)[number], number>),
        isPaused: await queue.isPaused(),
      })),
    );
    const eventsQueue = queues[ALL_QUEUE_NAMES.indexOf(QUEUE_NAMES.events)] as Queue;
    const latest = await eventsQueue.getJobs(
      ['waiting', 'active', 'completed', 'failed'],
      0,
      recent - 1,
      false,
    );
    return {
      prefix,
      breakers: await readBreakers(connection, prefix),
      queues: Object.fromEntries(ALL_QUEUE_NAMES.map((name, i) => [name, counts[i]!])),
      recentEvents: latest
        .map((job) => job.data as OnboardingEvent)
        .sort((a, b) => (a.time < b.time ? 1 : -1))
        .slice(0, recent)
        .map((event) => ({
          id: event.id,
          type: event.type,
          subject: event.subject,
          time: event.time,
          jobId: event.data.jobId,
        })),
    };
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}
