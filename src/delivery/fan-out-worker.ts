import { Worker, type JobsOptions, type Queue, type Telemetry } from 'bullmq';
import type { OnboardingEvent } from '../contracts/events';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { BACKOFF_TYPE } from '../queues/job-options';
import { QUEUE_NAMES } from '../queues/queue-names';
import { KEEP_ATTEMPTS } from './delivery-attempt';
import { sinkWants, type SinkConfig } from './sink-config';
import { DELIVERY_JOB } from './sink-queues';
import { describeError } from './sink-transport';

// Retries are bounded by time (SINK_DISABLE_AFTER), not by count: a count high enough never to be the limit.
const UNBOUNDED_ATTEMPTS = 1_000_000;

/** The options of one delivery job: the event id as job id, so fanning out twice queues one delivery. */
export function deliveryJobOptions(event: OnboardingEvent): JobsOptions {
  return {
    jobId: event.id,
    attempts: UNBOUNDED_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    keepLogs: KEEP_ATTEMPTS,
  };
}

/**
 * Consumes `onboarding-events` and queues each event once per sink that wants its type. It only
 * writes to Redis, so a slow or dead sink never holds it back, nor any other sink.
 */
export function createFanOutWorker(deps: {
  connection: RedisClient;
  prefix: string;
  sinks: SinkConfig[];
  queues: Map<string, Queue>;
  logger: Logger;
  retentionMs: number;
  telemetry?: Telemetry;
}): Worker<OnboardingEvent> {
  const worker = new Worker<OnboardingEvent>(
    QUEUE_NAMES.events,
    async (job) => {
      const event = job.data;
      const targets = deps.sinks.filter((sink) => sinkWants(sink, event.type));
      await Promise.all(
        targets.map((sink) =>
          (deps.queues.get(sink.name) as Queue).add(DELIVERY_JOB, event, deliveryJobOptions(event)),
        ),
      );
      return { sinks: targets.map((s) => s.name) };
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 20,
      telemetry: deps.telemetry,
      removeOnComplete: { age: Math.ceil(deps.retentionMs / 1000) },
      // Fanning out fails only when Redis does; BullMQ keeps a failed job, so the event stays for a look.
    },
  );
  worker.on('error', (error) => deps.logger.error('fan-out worker error', { error: describeError(error) }));
  return worker;
}
