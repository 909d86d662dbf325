import type { Job, Queue } from 'bullmq';
import type { RedisClient } from '../queues/connection';
import type { SinkConfig } from './sink-config';
import { openSinkQueue } from './sink-queues';
import { createSinkStateStore, type SinkState } from './sink-state-store';

/** One sink's row in `onboarding sinks list`. */
export interface SinkSummary extends SinkState {
  name: string;
  type: SinkConfig['type'];
  counts: Record<'waiting' | 'delayed' | 'active' | 'completed' | 'failed', number>;
}

/** Operator actions on sinks; the delivery role uses `disable` when a sink disables itself. */
export interface SinkControl {
  list(): Promise<SinkSummary[]>;
  /** Disables: the sink's queue pauses, its events wait (nothing is dropped); false if it already was. */
  disable(sink: string, by: string, reason: string): Promise<boolean>;
  /** Re-enables and starts a fresh failure window. */
  enable(sink: string): Promise<void>;
  /** Sends again what was finished (delivered or given up) since `sinceMs`; same ids, so receivers dedupe. */
  replay(sink: string, sinceMs: number): Promise<{ replayed: number }>;
  close(): Promise<void>;
}

/** Thrown for a sink name that is not in EVENT_SINKS. */
export class UnknownSinkError extends Error {
  readonly code = 'SINK_UNKNOWN';
  constructor(sink: string) {
    super(`no sink named "${sink}" in EVENT_SINKS`);
    this.name = 'UnknownSinkError';
  }
}

/** Creates the control over the configured sinks (the connection stays the caller's). */
export function createSinkControl(connection: RedisClient, prefix: string, sinks: SinkConfig[]): SinkControl {
  const store = createSinkStateStore(connection, prefix);
  const queues = new Map<string, Queue>(
    sinks.map((s) => [s.name, openSinkQueue(s.name, connection, prefix)]),
  );
  const queueOf = (sink: string): Queue => {
    const queue = queues.get(sink);
    if (!queue) throw new UnknownSinkError(sink);
    return queue;
  };
  return {
    async list() {
      return Promise.all(
        sinks.map(async (sink) => {
          const counts = await queueOf(sink.name).getJobCounts(
            'waiting',
            'delayed',
            'active',
            'completed',
            'failed',
          );
          return {
            name: sink.name,
            type: sink.type,
            ...(await store.get(sink.name)),
            counts: counts as SinkSummary['counts'],
          };
        }),
      );
    },
    async disable(sink, by, reason) {
      const queue = queueOf(sink);
      const changed = await store.setDisabled(sink, Date.now(), by, reason);
      await queue.pause();
      return changed;
    },
    async enable(sink) {
      const queue = queueOf(sink);
      await store.setEnabled(sink);
      await queue.resume();
    },
    async replay(sink, sinceMs) {
      const queue = queueOf(sink);
      let replayed = 0;
      for (const state of ['completed', 'failed'] as const) {
        const jobs: Job[] = await queue.getJobs([state]);
        for (const job of jobs) {
          if ((job.finishedOn ?? job.timestamp) < sinceMs) continue;
          await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
          replayed += 1;
        }
      }
      return { replayed };
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
