import type { Job, Queue } from 'bullmq';
import type { AttemptRecord } from '../contracts/dead-letter-record';

const PREFIX = 'attempt ';

/** Keeps each failed attempt in the job's own BullMQ log, so the board shows it and the dead letter can list it. */
export interface AttemptLog {
  append(job: Job, record: AttemptRecord): Promise<void>;
  list(jobId: string): Promise<AttemptRecord[]>;
}

/** Creates the log over the onboarding queue (for reading back a job's lines). */
export function createAttemptLog(queue: Queue): AttemptLog {
  return {
    async append(job, record) {
      await job.log(PREFIX + JSON.stringify(record));
    },
    async list(jobId) {
      const { logs } = await queue.getJobLogs(jobId, 0, -1, true);
      return logs
        .filter((line) => line.startsWith(PREFIX))
        .map((line) => JSON.parse(line.slice(PREFIX.length)) as AttemptRecord);
    },
  };
}
