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
  return logs.map(parseAttempt).filter((attempt) => attempt !== undefined);
}

/** An attempt from one of the job's log lines; undefined for a line that is not one. */
function parseAttempt(line: string | null): DeliveryAttempt | undefined {
  return line?.startsWith(PREFIX) ? (JSON.parse(line.slice(PREFIX.length)) as DeliveryAttempt) : undefined;
}

/**
 * When this run's first attempt of the job started (a replay starts a new run at attempt 1), read
 * from its log: `attempt` is the attempt just recorded, so the run's first sits that many lines from
 * the end. Trimmed away (over KEEP_ATTEMPTS attempts): the oldest line kept. Undefined when none is.
 */
export async function firstAttemptAt(
  connection: RedisClient,
  job: Job,
  attempt: number,
): Promise<number | undefined> {
  const key = `${job.queueQualifiedName}:${job.id}:logs`;
  let first = parseAttempt(await connection.lindex(key, -attempt));
  if (first?.attempt !== 1) first = parseAttempt(await connection.lindex(key, 0));
  const at = first ? Date.parse(first.at) : Number.NaN;
  return Number.isFinite(at) ? at : undefined;
}
