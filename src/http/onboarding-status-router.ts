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
import { onboardingStatusSchema, type outcomeSchema } from './api-schemas';
import { ApiError } from './errors';
import { COMMON_ERRORS, error, idParameter, json } from './openapi-parts';
import type { RedisGate } from './redis-availability';
import { defineRoutes, mountRoutes } from './route-table';

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

/** A dead-lettered job is removed once its record is written: its status is read from the record. */
function describeRecord(jobId: string, record: DeadLetterRecord): z.output<typeof onboardingStatusSchema> {
  const attempts = Math.max(1, record.attempts.length);
  return {
    jobId,
    state: 'failed',
    attempts,
    maxAttempts: record.maxAttempts ?? attempts,
    businessId: record.businessId,
    receivedAt: record.receivedAt ?? null,
    finishedAt: record.deadLetteredAt,
    replayOf: record.lineage.replayOf ?? null,
    outcome: { type: 'dead_lettered', reasonCode: record.reason.code, deadLetterId: deadLetterJobId(jobId) },
  };
}

/** The route of {@link onboardingStatusRouter}. */
export const onboardingStatusRoutes = defineRoutes({
  status: {
    method: 'get',
    path: '/v1/onboardings/:id',
    scope: 'intake',
    operation: {
      summary: 'State, attempts and outcome of a job (never its payload)',
      parameters: [idParameter('The job id returned by the intake')],
      responses: {
        '200': { description: 'The job', content: json(onboardingStatusSchema) },
        '404': error('NOT_FOUND'),
        ...COMMON_ERRORS,
      },
    },
  },
});

/** `GET /v1/onboardings/:id`: state, attempts and outcome of a job, never its payload. */
export function onboardingStatusRouter(deps: OnboardingStatusDeps): Router {
  return mountRoutes(Router(), onboardingStatusRoutes, {
    status: [
      async (req, res) => {
        // Not a shape the service issues: no such job, and no Redis lookup of a queue key as one.
        if (!isOnboardingJobId(req.params.id))
          throw new ApiError(404, 'NOT_FOUND', 'no onboarding job with this id');
        const status = await deps.redis.run(async () => {
          const job = await deps.onboarding.getJob(req.params.id);
          if (job) return describe(job, deps.deadLetters);
          const record = await deps.deadLetters.getJob(deadLetterJobId(req.params.id));
          return record?.data ? describeRecord(req.params.id, record.data) : undefined;
        });
        if (!status) throw new ApiError(404, 'NOT_FOUND', 'no onboarding job with this id');
        res.json(status);
      },
    ],
  });
}
