import { Queue, type Telemetry } from 'bullmq';
import type { RedisClient } from '../queues/connection';
import { queueStreams } from '../queues/job-options';
import { SINK_QUEUE_NAME_PREFIX } from '../queues/queue-names';

/** The BullMQ queue a sink's deliveries wait in: one per sink, so a dead sink holds back nobody else. */
export function sinkQueueName(sinkName: string): string {
  return `${SINK_QUEUE_NAME_PREFIX}${sinkName}`;
}

/** The job name of one delivery. */
export const DELIVERY_JOB = 'deliver-event';

/** Opens a sink's queue on a shared connection; operations report their own errors. */
export function openSinkQueue(
  sinkName: string,
  connection: RedisClient,
  prefix: string,
  telemetry?: Telemetry,
): Queue {
  const queue = new Queue(sinkQueueName(sinkName), {
    connection,
    prefix,
    telemetry,
    streams: queueStreams(),
  });
  queue.on('error', () => undefined);
  return queue;
}
