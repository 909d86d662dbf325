import { buildEvent, EVENT_TYPES, type EventType } from '../contracts/events';
import type { OnboardingJobResult } from '../contracts/onboarding-job';
import type { EventPublisher } from '../queues/event-publisher';
import type { SettledEntry } from '../queues/onboarding-ledger';
import type { PipelineObserver } from './pipeline-observer';

const EVENT_FOR_STATE: Record<SettledEntry['state'], EventType> = {
  created: EVENT_TYPES.created,
  pending: EVENT_TYPES.pending,
  exists: EVENT_TYPES.exists,
};

/**
 * The outcome event and the job's result for a settled ledger entry. Another job's entry means the
 * customer simply exists already, for this job. The event id derives from type and job id, so
 * publishing it again for the same job is recognised downstream.
 */
export function settledOutcome(jobId: string, businessId: string, entry: SettledEntry) {
  const own = entry.jobId === jobId;
  const state = own ? entry.state : 'exists';
  const details =
    own && entry.state === 'created'
      ? { customerId: entry.customerId }
      : own && entry.state === 'pending'
        ? { uuid: entry.uuid, wizardUrl: entry.wizardUrl }
        : own
          ? {}
          : { settledBy: entry.jobId };
  const event = buildEvent(EVENT_FOR_STATE[state], { jobId, businessId, ...details });
  const result: OnboardingJobResult = { outcome: state, businessId, eventId: event.id, ...details };
  return { event, result };
}

/**
 * Ends a job with a settled entry: publishes its outcome event and counts the job finished; returns
 * the job's result. Safe to repeat (the event id is the same each time).
 */
export async function publishSettledOutcome(
  deps: { events: Pick<EventPublisher, 'publish'>; observer: PipelineObserver },
  jobId: string,
  businessId: string,
  entry: SettledEntry,
): Promise<OnboardingJobResult> {
  const { event, result } = settledOutcome(jobId, businessId, entry);
  await deps.events.publish(event);
  deps.observer.jobFinished(result.outcome);
  return result;
}
