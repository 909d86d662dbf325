import type { Response } from 'express';
import type { EnqueueResult } from '../queues/onboarding-producer';
import { requestContext } from './request-context';

/** Where a job's status is read. */
export function statusUrl(jobId: string): string {
  return `/v1/onboardings/${encodeURIComponent(jobId)}`;
}

/**
 * Answers one stored record: 202 with `Location` when it made a job, 200 `duplicate: true` when the
 * job existed; `what` names the way in for the log line ("onboarding", "cloud event").
 */
export function answerEnqueued(res: Response, result: EnqueueResult, what: string): void {
  const url = statusUrl(result.jobId);
  requestContext(res).logger.info(result.created ? `${what} accepted` : `duplicate ${what}`, {
    jobId: result.jobId,
  });
  if (result.created) res.status(202).location(url);
  else res.status(200);
  res.json({ jobId: result.jobId, duplicate: !result.created, statusUrl: url });
}
