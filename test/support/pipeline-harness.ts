import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config';
import { deadLetterJobId, type DeadLetterRecord } from '../../src/contracts/dead-letter-record';
import type { OnboardingEvent } from '../../src/contracts/events';
import type { OnboardingJobData, OnboardingJobResult } from '../../src/contracts/onboarding-job';
import type { Logger } from '../../src/logger';
import { createRedisConnection, type RedisClient } from '../../src/queues/connection';
import { createOnboardingProducer, type OnboardingProducer } from '../../src/queues/onboarding-producer';
import { ALL_JOB_STATES } from '../../src/queues/job-states';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { createRopoClient, type RopoClient, type RopoClientOptions } from '../../src/ropo/ropo-client';
import {
  SANDBOX_APICODE,
  SANDBOX_CID,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox';
import { createWorker, type OnboardingWorker, type WorkerDeps } from '../../src/workers/onboarding-worker';
import { waitForOutboxDrained } from './outbox';
import { testPrefix, testRedisUrl } from './redis';
import { captureLogger } from './sandbox';

/** A whole pipeline on its own queue prefix: sandbox over real HTTP, real Redis, a real BullMQ worker. */
export interface TestPipeline {
  prefix: string;
  config: Config;
  sandbox: Sandbox;
  connection: RedisClient;
  ropo: RopoClient;
  worker: OnboardingWorker;
  producer: OnboardingProducer;
  onboarding: Queue<OnboardingJobData, OnboardingJobResult>;
  logger: Logger;
  /** Everything the pipeline logged so far, as raw text. */
  logText(): string;
  /** Waits until the job is completed or failed; fails the test after the timeout. */
  waitForJob(jobId: string, timeoutMs?: number): Promise<Job<OnboardingJobData, OnboardingJobResult>>;
  events(): Promise<OnboardingEvent[]>;
  deadLetters(): Promise<DeadLetterRecord[]>;
  /**
   * Waits until the job was dead-lettered: its record is written and the failed job removed (the
   * record is then the one place holding its payload). Returns the record.
   */
  waitForDeadLetter(jobId: string, timeoutMs?: number): Promise<DeadLetterRecord>;
  /** Waits until every given job is completed or dead-lettered. */
  waitForAll(jobIds: string[], timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a pipeline; `env` overrides configuration variables as an operator would set them. */
export async function startTestPipeline(
  options: {
    env?: NodeJS.ProcessEnv;
    sandbox?: SandboxOptions;
    timing?: WorkerDeps['timing'];
    /** The base URL the client is given, from the sandbox's; to simulate a misconfigured ROPO_BASE_URL. */
    ropoBaseUrl?: (sandbox: Sandbox) => string;
    /** Told of every createprofile call the client made, as its metrics hook is. */
    onRopoCall?: RopoClientOptions['onCall'];
    /** A queue prefix to share with an earlier pipeline (the same Redis state); default a fresh one. */
    prefix?: string;
  } = {},
): Promise<TestPipeline> {
  const prefix = options.prefix ?? testPrefix('pipe');
  const config = loadConfig({
    QUEUE_PREFIX: prefix,
    JOB_ATTEMPTS: '3',
    BACKOFF_BASE_MS: '20',
    BACKOFF_MAX_MS: '100',
    RATE_LIMIT_MAX: '1000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  });
  const { logger, lines: logLines } = captureLogger('debug');

  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const connection = createRedisConnection(testRedisUrl(), 'worker');
  const ropo = createRopoClient({
    baseUrl: options.ropoBaseUrl?.(sandbox) ?? sandbox.baseUrl,
    cid: SANDBOX_CID,
    apicode: SANDBOX_APICODE,
    timeoutMs: config.ropo.timeoutMs,
    redis: connection as Redis,
    keyPrefix: prefix,
    logger,
    onCall: options.onRopoCall,
  });
  const worker = createWorker({ connection, ropo, logger, config, timing: options.timing });
  const producer = createOnboardingProducer({
    connection: testRedisUrl(),
    prefix,
    attempts: config.retry.attempts,
  });
  const onboarding = new Queue<OnboardingJobData, OnboardingJobResult>(QUEUE_NAMES.onboarding, {
    connection,
    prefix,
  });
  const events = new Queue(QUEUE_NAMES.events, { connection, prefix });
  const deadLetters = new Queue(QUEUE_NAMES.deadLetter, { connection, prefix });

  return {
    prefix,
    config,
    sandbox,
    connection,
    ropo,
    worker,
    producer,
    onboarding,
    logger,
    logText: () => logLines.join(''),
    async waitForJob(jobId, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await onboarding.getJobState(jobId);
        if (state === 'completed' || state === 'failed') {
          await waitForOutboxDrained(connection, prefix, Math.max(1_000, deadline - Date.now()));
          return (await onboarding.getJob(jobId)) as Job<OnboardingJobData, OnboardingJobResult>;
        }
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async waitForDeadLetter(jobId, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await deadLetters.getJob(deadLetterJobId(jobId));
        const state = await onboarding.getJobState(jobId);
        if (record && state === 'unknown') return record.data as DeadLetterRecord;
        if (state === 'completed') throw new Error(`job ${jobId} completed: it was not dead-lettered`);
        if (Date.now() > deadline)
          throw new Error(
            `job ${jobId} still ${state} (record ${record ? 'written' : 'absent'}) after ${timeoutMs} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async waitForAll(jobIds, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let pending = jobIds;
      while (pending.length > 0) {
        const states = await Promise.all(
          pending.map(async (id) => {
            const state = await onboarding.getJobState(id);
            if (state !== 'unknown') return state;
            return (await deadLetters.getJob(deadLetterJobId(id))) ? 'failed' : state;
          }),
        );
        pending = pending.filter((_id, i) => states[i] !== 'completed' && states[i] !== 'failed');
        if (pending.length > 0 && Date.now() > deadline) {
          throw new Error(`${pending.length} job(s) unfinished after ${timeoutMs} ms, e.g. ${pending[0]}`);
        }
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await waitForOutboxDrained(connection, prefix, Math.max(1_000, deadline - Date.now()));
    },
    async events() {
      await waitForOutboxDrained(connection, prefix);
      const jobs = await events.getJobs(ALL_JOB_STATES);
      return jobs.map((job) => job.data as OnboardingEvent);
    },
    async deadLetters() {
      const jobs = await deadLetters.getJobs(ALL_JOB_STATES);
      return jobs.map((job) => job.data as DeadLetterRecord);
    },
    async close() {
      await worker.close();
      await producer.close();
      await ropo.close();
      await sandbox.close();
      for (const queue of [onboarding, events, deadLetters]) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await connection.quit();
    },
  };
}
