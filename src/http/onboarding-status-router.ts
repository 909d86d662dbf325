import { Router } from 'express';
import type { Job, Queue } from 'bullmq';
import type { z } from 'zod';
import { deadLetterJobId, type DeadLetterRecord } from '../contracts/dead-letter-record';
import {
  isOnboardingJobId,
  readBusinessId,
  readJobData,
  type OnboardingJobData,
  type OnboardingJobResult,
} from '../contracts/onboarding-job';
import type { onboardingStatusSchema, outcomeSchema } from './api-schemas';
import { ApiError } from './errors';
import type { RedisGate } from './redis-availability';

/** Dependencies of {@link onboardingStatusRouter}. */
export interface OnboardingStatusDeps {
  redis: RedisGate;
  onboarding: Queue<OnboardingJobData, OnboardingJobResult>;
  deadLetters: Queue<DeadLetterRecord>;
}

type Outcome = z.output<typeof outcomeSchema>;

function outcomeOf(result: OnboardingJobResult | undefined): Outcome | null {
  switch (result?.outcome) {
    case 'created':
      return { type: 'created', customerId: result.customerId ?? null };
    case 'pending':
      return { type: 'pending', uuid: result.uuid ?? null, wizardUrl: result.wizardUrl ?? null };
    case 'exists':
      return { type: 'exists' };
    default:
      return null;
  }
}

// The processor fails a dead-lettered job with "<CODE>: <message>"; only the code is reported.
function reasonCodeOf(failedReason: string | undefined): string {
  return /^([A-Z][A-Z_]+):/.exec(failedReason ?? '')?.[1] ?? 'UNKNOWN';
}

async function describe(
  job: Job<OnboardingJobData, OnboardingJobResult>,
  deadLetters: Queue<DeadLetterRecord>,
): Promise<z.output<typeof onboardingStatusSchema>> {
  const state = await job.getState();
  let outcome = outcomeOf(job.returnvalue);
  if (state === 'failed') {
    const record = await deadLetters.getJob(deadLetterJobId(job.id as string));
    outcome = {
      type: 'dead_lettered',
      reasonCode: record?.data.reason.code ?? reasonCodeOf(job.failedReason),
      deadLetterId: record ? (record.id as string) : null,
    };
  }
  return {
    jobId: job.id as string,
    state,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    businessId: job.returnvalue?.businessId ?? readBusinessId(readJobData(job.data).payload),
    receivedAt: job.data.receivedAt ?? null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    replayOf: job.data.replayOf ?? null,
    outcome,
  };
}

/** `GET /v1/onboardings/:id`: state, attempts and outcome of a job, never its payload. */
export function onboardingStatusRouter(deps: OnboardingStatusDeps): Router {
  const router = Router();
  router.get('/v1/onboardings/:id', async (req, res) => {
    // Not a shape the service issues: no such job, and no Redis lookup of a queue key as one.
    if (!isOnboardingJobId(req.params.id))
      throw new ApiError(404, 'NOT_FOUND', 'no onboarding job with this id');
    const status = await deps.redis.run(async () => {
      const job = await deps.onboarding.getJob(req.params.id);
      return job ? describe(job, deps.deadLetters) : undefined;
    });
    if (!status) throw new ApiError(404, 'NOT_FOUND', 'no onboarding job with this id');
    res.json(status);
  });
  return router;
}
