import { Queue, type Telemetry } from 'bullmq';
import type { RedisClient } from '../queues/connection';

/** The BullMQ queue a sink's deliveries wait in: one per sink, so a dead sink holds back nobody else. */
export function sinkQueueName(sinkName: string): string {
  return `onboarding-sink-${sinkName}`;
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
  const queue = new Queue(sinkQueueName(sinkName), { connection, prefix, telemetry });
  queue.on('error', () => undefined);
  return queue;
}
