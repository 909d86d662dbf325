import type { Queue } from 'bullmq';

/** The queue-wide levers the processor pulls when the fault is systemic rather than the job's. */
export interface QueueControl {
  /** Holds every worker of the queue (all processes) for `ms`; attempts are not consumed. */
  rateLimit(ms: number): Promise<void>;
  /** Pauses the queue until an operator resumes it (`npx onboarding resume`). */
  pause(): Promise<void>;
  /** The state of another job, to tell a live claim from a dead one. */
  jobState(jobId: string): Promise<string>;
}

/** Builds the levers over the onboarding queue. */
export function createQueueControl(queue: Queue): QueueControl {
  return {
    rateLimit: (ms) => queue.rateLimit(Math.max(1, Math.round(ms))),
    pause: () => queue.pause(),
    jobState: (jobId) => queue.getJobState(jobId),
  };
}
