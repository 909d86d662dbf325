import type { JobType } from 'bullmq';

/** Every state a stored job can be in, for scans that must see all of a queue's jobs. */
export const ALL_JOB_STATES: JobType[] = [
  'waiting',
  'delayed',
  'prioritized',
  'active',
  'completed',
  'failed',
  'waiting-children',
];

/** The states of a job that will still run, or is running: a ledger claim it holds is not stale. */
export const LIVE_JOB_STATES: readonly string[] = [
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
];
