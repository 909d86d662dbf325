import type { Telemetry } from 'bullmq';
import type { OnboardingEvent } from '../contracts/events';
import type { RedisClient } from './connection';
import { JOB_NAMES, QUEUE_NAMES } from './queue-names';
import { openQueue } from './open-queue';

/** Publishes outcome events to `onboarding-events`. */
export interface EventPublisher {
  /** Adds the envelope with its id as job id: publishing the same event twice keeps one. */
  publish(event: OnboardingEvent): Promise<void>;
  close(): Promise<void>;
}

/** Creates the publisher on a shared connection (the caller owns and closes the connection). */
export function createEventPublisher(
  connection: RedisClient,
  prefix: string,
  telemetry?: Telemetry,
): EventPublisher {
  const queue = openQueue(QUEUE_NAMES.events, connection, prefix, telemetry);
  return {
    async publish(event) {
      await queue.add(JOB_NAMES.event, event, { jobId: event.id });
    },
    close: () => queue.close(),
  };
}
