import type { Job, Queue } from 'bullmq';
import { readJobData, stubJobData } from '../contracts/onboarding-job';

/**
 * Replaces a completed onboarding job's data by its stub (the business id and lineage, no personal
 * data); its return value stays for status look-ups. Returns whether it changed anything: false
 * when already stripped, not completed, or gone (removed meanwhile).
 */
export async function stripCompletedJob(job: Job): Promise<boolean> {
  if (readJobData(job.data).stripped) return false;
  if ((await job.getState()) !== 'completed') return false;
  try {
    await job.updateData(stubJobData(job.data));
    return true;
  } catch {
    // Removed between the two calls (retention, erasure): nothing left to strip.
    return false;
  }
}

/**
 * Removes a dead-lettered onboarding job (with its attempt log): the dead-letter record is then the
 * one place holding the payload. Only a job that is failed, so never one a worker runs again.
 */
export async function removeFailedJob(queue: Queue, jobId: string): Promise<boolean> {
  if ((await queue.getJobState(jobId)) !== 'failed') return false;
  return (await queue.remove(jobId)) === 1;
}
