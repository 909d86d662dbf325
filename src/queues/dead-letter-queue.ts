import { deadLetterJobId, type DeadLetterRecord } from '../contracts/dead-letter-record';
import type { RedisClient } from './connection';
import { JOB_NAMES, QUEUE_NAMES } from './queue-names';
import { openQueue } from './open-queue';

/** Writes dead-letter records; no worker consumes the queue, operators replay from it. */
export interface DeadLetterWriter {
  /** Stores the record under a job id derived from the failed job: a retried write keeps one record. */
  write(record: DeadLetterRecord): Promise<void>;
  /** Whether a record for this onboarding job exists. */
  exists(jobId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Creates the writer on a shared connection (the caller owns and closes the connection). */
export function createDeadLetterWriter(connection: RedisClient, prefix: string): DeadLetterWriter {
  const queue = openQueue(QUEUE_NAMES.deadLetter, connection, prefix);
  return {
    async write(record) {
      await queue.add(JOB_NAMES.deadLetter, record, { jobId: deadLetterJobId(record.jobId) });
    },
    async exists(jobId) {
      return (await queue.getJob(deadLetterJobId(jobId))) !== undefined;
    },
    close: () => queue.close(),
  };
}
