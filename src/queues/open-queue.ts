import { Queue, type Telemetry } from 'bullmq';
import type { RedisClient } from './connection';
import { queueStreams } from './job-options';
import type { QueueName } from './queue-names';

/**
 * Opens one of the service's queues on a shared connection. Connection errors are not re-emitted
 * as unhandled 'error' events (BullMQ would print them): every operation on a broken connection
 * rejects, and its caller answers for it (a 503, a retry, an exit code). With `telemetry` (tracing
 * on), every add carries the caller's trace context into the job.
 */
export function openQueue<Data = unknown, Result = unknown>(
  name: QueueName,
  connection: RedisClient,
  prefix: string,
  telemetry?: Telemetry,
): Queue<Data, Result> {
  const queue = new Queue<Data, Result>(name, { connection, prefix, telemetry, streams: queueStreams() });
  queue.on('error', () => undefined);
  return queue;
}
