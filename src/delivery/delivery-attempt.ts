import type { Job, Queue } from 'bullmq';
import { redactString } from '../logger';
import type { RedisClient } from '../queues/connection';

/** One delivery attempt as kept in the job's log: no secrets, no payload, the first bytes of the answer. */
export interface DeliveryAttempt {
  at: string;
  attempt: number;
  result: 'delivered' | 'failed';
  status?: number;
  durationMs: number;
  answer?: string;
}

const PREFIX = 'delivery ';

/** How many attempt lines a job keeps (BullMQ trims the oldest): days of retries at the longest backoff. */
export const KEEP_ATTEMPTS = 500;

/** Appends an attempt to the job's log; an answer that echoes personal data or a token is masked. */
export async function recordAttempt(job: Job, attempt: DeliveryAttempt): Promise<void> {
  const clean = attempt.answer === undefined ? attempt : { ...attempt, answer: redactString(attempt.answer) };
  await job.log(PREFIX + JSON.stringify(clean));
}

/** Reads back a delivery job's attempts, oldest first. */
export async function listAttempts(queue: Queue, jobId: string): Promise<DeliveryAttempt[]> {
  const { logs } = await queue.getJobLogs(jobId, 0, -1, true);
  return logs
    .filter((l) => l.startsWith(PREFIX))
    .map((l) => JSON.parse(l.slice(PREFIX.length)) as DeliveryAttempt);
}

/** When the job's oldest kept attempt started (its first log line); undefined when none is kept. */
export async function firstAttemptAt(connection: RedisClient, job: Job): Promise<number | undefined> {
  const [oldest] = await connection.lrange(`${job.queueQualifiedName}:${job.id}:logs`, 0, 0);
  if (!oldest?.startsWith(PREFIX)) return undefined;
  const at = Date.parse((JSON.parse(oldest.slice(PREFIX.length)) as DeliveryAttempt).at);
  return Number.isFinite(at) ? at : undefined;
}
