import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deadLetterJobId } from '../../../src/contracts/dead-letter-record';
import { readJobData, type OnboardingJobData } from '../../../src/contracts/onboarding-job';
import { createMetricsRegistry } from '../../../src/pipeline/prometheus-observer';
import { startRetentionSweep, sweepRetention } from '../../../src/pipeline/retention-sweep';
import { auditStreamKeys, trimAuditStreams } from '../../../src/queues/audit-retention';
import { createRedisConnection } from '../../../src/queues/connection';
import { createDeadLetterOperations } from '../../../src/queues/dead-letter-operations';
import { createDeadLetterWriter } from '../../../src/queues/dead-letter-queue';
import { EVENTS_STREAM_MAX_LEN } from '../../../src/queues/job-options';
import { ALL_QUEUE_NAMES, QUEUE_NAMES } from '../../../src/queues/queue-names';
import { readQueueStats } from '../../../src/queues/queue-stats';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, minimalPayload } from '../../support/payloads';
import { keysHolding } from '../../support/redis-values';
import { testPrefix, testRedisClient, testRedisUrl } from '../../support/redis';
import { captureLogger } from '../../support/sandbox';
import { startHttpHarness, type HttpHarness } from '../http/support/http-harness';
import { personalPayload, PERSONAL } from '../http/support/personal-data';

const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('payloads are kept only while needed, and nothing stays past its retention', () => {
  let pipeline: TestPipeline;
  let http: HttpHarness;
  let redis: Redis;
  const [done, rejected, other] = businessIds(3, 5_950_000) as [string, string, string];

  beforeAll(async () => {
    pipeline = await startTestPipeline({ env: { JOB_ATTEMPTS: '2' } });
    http = await startHttpHarness({ prefix: pipeline.prefix, sandboxTarget: true });
    redis = testRedisClient();
  });

  afterAll(async () => {
    await redis.quit();
    await http.close();
    await pipeline.close();
  });

  const jobHash = (jobId: string) => redis.hgetall(pipeline.onboarding.toKey(jobId));

  it('strips a completed job to a stub; status, duplicate detection, timeline and stats still work', async () => {
    const payload = personalPayload(done);
    const { jobId } = await pipeline.producer.enqueue(payload);
    await pipeline.waitForJob(jobId);
    await waitFor(
      async () => readJobData(JSON.parse((await jobHash(jobId)).data ?? '{}')).stripped === true,
      'the completed job to be stripped',
    );
    const hash = await jobHash(jobId);
    const stub = JSON.parse(hash.data as string) as OnboardingJobData;
    expect(stub.payload).toEqual({ customer_info: { business_id: done } });
    expect(Object.values(hash).join('\n')).not.toContain(PERSONAL.email);
    expect(Object.values(hash).join('\n')).not.toContain(PERSONAL.iban);

    const status = await http.request(`/v1/onboardings/${jobId}`);
    expect(await status.json()).toMatchObject({
      jobId,
      state: 'completed',
      businessId: done,
      outcome: { type: 'created', customerId: expect.any(String) },
    });
    const calls = pipeline.sandbox.stats().createProfileCalls;
    expect(await pipeline.producer.enqueue(payload)).toEqual({ jobId, created: false });
    const timeline = await http.request(`/v1/customers/${done}`);
    expect(((await timeline.json()) as { steps: { step: string }[] }).steps.map((s) => s.step)).toEqual([
      'enqueued',
      'created',
    ]);
    const stats = await readQueueStats(pipeline.connection, pipeline.prefix);
    expect(stats.queues[QUEUE_NAMES.onboarding]?.completed).toBe(1);
    expect(stats.recentEvents[0]).toMatchObject({ subject: done, jobId });
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(calls);
  });

  it('removes a dead-lettered job once recorded; its status, duplicates and replay go by the record', async () => {
    pipeline.sandbox.setFaults({ sequence: [{ status: 422, echo: true }] });
    const payload = personalPayload(rejected);
    const { jobId } = await pipeline.producer.enqueue(payload);
    const record = await pipeline.waitForDeadLetter(jobId);
    expect(record.payload).toEqual(payload);
    expect(
      await redis.exists(pipeline.onboarding.toKey(jobId), `${pipeline.onboarding.toKey(jobId)}:logs`),
    ).toBe(0);

    const status = await http.request(`/v1/onboardings/${jobId}`);
    expect(await status.json()).toMatchObject({
      jobId,
      state: 'failed',
      attempts: 1,
      maxAttempts: 2,
      businessId: rejected,
      outcome: { type: 'dead_lettered', reasonCode: 'ROPO_REJECTED', deadLetterId: deadLetterJobId(jobId) },
    });
    const calls = pipeline.sandbox.stats().createProfileCalls;
    expect(await pipeline.producer.enqueue(payload)).toEqual({ jobId, created: false });
    expect(await pipeline.onboarding.getJobState(jobId)).toBe('unknown');
    const timeline = await http.request(`/v1/customers/${rejected}`);
    expect(((await timeline.json()) as { steps: { step: string }[] }).steps.map((s) => s.step)).toEqual([
      'enqueued',
      'attempt_failed',
      'dead_lettered',
    ]);

    const ops = createDeadLetterOperations(pipeline.connection, pipeline.prefix, {
      ropoTarget: pipeline.config.ropo.target,
    });
    try {
      const [outcome] = await ops.replay({ ids: [deadLetterJobId(jobId)] });
      expect(outcome).toMatchObject({ action: 'replayed' });
      const replayed = await pipeline.waitForJob((outcome as { newJobId: string }).newJobId);
      expect(replayed.returnvalue.outcome).toBe('created');
    } finally {
      await ops.close();
    }
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(calls + 1);
    // Only the dead letter held the failed payload; replayed and stripped, it is nowhere now
    // (under this prefix: other test files use the same personal values).
    await waitFor(
      async () => (await keysHolding(redis, [PERSONAL.iban], `${pipeline.prefix}:*`)).length === 0,
      'no IBAN left',
    );
  });

  it('keeps every queue’s BullMQ event stream short', async () => {
    for (const name of ALL_QUEUE_NAMES) {
      expect(await redis.hget(`${pipeline.prefix}:${name}:meta`, 'opts.maxLenEvents')).toBe(
        String(EVENTS_STREAM_MAX_LEN),
      );
    }
  });

  it('sweeps dead letters, events and completed jobs past short retentions, with a log line and a metric', async () => {
    pipeline.sandbox.setFaults({ sequence: [{ status: 422 }] });
    const failed = await pipeline.producer.enqueue(minimalPayload(other));
    await pipeline.waitForDeadLetter(failed.jobId);
    const eventsBefore = (await pipeline.events()).length;
    expect(eventsBefore).toBeGreaterThan(2);

    // An audit entry of each stream from two hours ago, and one of now, which stays.
    const [credentialsAudit, erasureAudit] = auditStreamKeys(pipeline.prefix) as [string, string];
    for (const key of [credentialsAudit, erasureAudit]) {
      await pipeline.connection.xadd(key, `${Date.now() - 7_200_000}-0`, 'at', 'two hours ago');
      await pipeline.connection.xadd(key, '*', 'at', 'now');
    }

    // Nothing is old enough yet under the defaults.
    const untouched = await sweepRetention(pipeline.connection, pipeline.prefix, {
      events: { ageMs: 30 * 86_400_000, count: 100_000 },
      completed: { ageMs: 30 * 86_400_000 },
      deadLetterMs: 90 * 86_400_000,
      audit: { ageMs: 400 * 86_400_000 },
      ropoTarget: pipeline.config.ropo.target,
    });
    expect(untouched).toEqual({ deadLetters: 0, events: 0, completedJobs: 0, stripped: 0, auditEntries: 0 });

    await new Promise((resolve) => setTimeout(resolve, 50));
    const { logger, lines } = captureLogger('info');
    const registry = createMetricsRegistry();
    const stop = startRetentionSweep(
      pipeline.connection,
      pipeline.prefix,
      {
        events: { ageMs: 3_600_000, count: 2 },
        completed: { ageMs: 10 },
        deadLetterMs: 10,
        audit: { ageMs: 3_600_000 },
        everyMs: 3_600_000,
        ropoTarget: pipeline.config.ropo.target,
      },
      logger,
      registry,
    );
    await stop();

    expect(await pipeline.deadLetters()).toEqual([]);
    expect((await pipeline.events()).length).toBe(2);
    expect(await pipeline.onboarding.getJobCounts('completed', 'failed')).toEqual({
      completed: 0,
      failed: 0,
    });
    const line = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => 'deadLettersPurged' in l);
    expect(line).toMatchObject({
      level: 'info',
      deadLettersPurged: 1,
      eventsRemoved: eventsBefore - 2,
      completedJobsRemoved: 2,
      auditEntriesRemoved: 2,
    });
    for (const key of [credentialsAudit, erasureAudit]) {
      expect((await pipeline.connection.xrange(key, '-', '+')).map(([, fields]) => fields)).toEqual([
        ['at', 'now'],
      ]);
    }
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^onboarding_retention_removed_total\{kind="dead_letter"\} 1$/m);
    expect(metrics).toMatch(/^onboarding_retention_removed_total\{kind="completed_job"\} 2$/m);
    expect(metrics).toMatch(/^onboarding_retention_removed_total\{kind="audit_entry"\} 2$/m);
    expect(metrics).toMatch(
      new RegExp(`^onboarding_retention_removed_total\\{kind="event"\\} ${eventsBefore - 2}$`, 'm'),
    );
    expect(lines.join('')).not.toContain(other);
  });
});

describe('replaying or purging a dead letter removes what is left of its source job', () => {
  it('removes a failed source job the worker had not removed (it crashed after writing the record)', async () => {
    const prefix = testPrefix('leftover');
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection, prefix });
    // A bare worker: it fails every job and, unlike ours, never removes one.
    const bare = new Worker(
      QUEUE_NAMES.onboarding,
      async () => {
        throw new UnrecoverableError('ROPO_REJECTED: refused');
      },
      { connection, prefix },
    );
    const writer = createDeadLetterWriter(connection, prefix);
    const ops = createDeadLetterOperations(connection, prefix, { ropoTarget: 'sandbox' });
    try {
      const [first, second] = businessIds(2, 5_960_000) as [string, string];
      const sources: string[] = [];
      for (const businessId of [first, second]) {
        const job = await onboarding.add(
          'onboard-customer',
          {
            payload: personalPayload(businessId),
            receivedAt: new Date().toISOString(),
            deliveryId: businessId,
          },
          { jobId: `leftover-${businessId}`, attempts: 1 },
        );
        await waitFor(async () => (await job.getState()) === 'failed', 'the job to fail');
        await writer.write({
          version: 1,
          jobId: job.id as string,
          businessId,
          payload: personalPayload(businessId),
          reason: { code: 'ROPO_REJECTED', message: 'refused' },
          attempts: [],
          lineage: { originalJobId: job.id as string, replayCount: 0 },
          deadLetteredAt: new Date().toISOString(),
        });
        sources.push(job.id as string);
      }
      await bare.close();

      expect(await ops.purge({ businessId: first })).toEqual({ removed: [deadLetterJobId(sources[0]!)] });
      expect(await onboarding.getJobState(sources[0]!)).toBe('unknown');
      const [outcome] = await ops.replay({ businessId: second });
      expect(outcome).toMatchObject({ action: 'replayed' });
      expect(await onboarding.getJobState(sources[1]!)).toBe('unknown');
    } finally {
      await bare.close();
      await ops.close();
      await writer.close();
      await onboarding.obliterate({ force: true }).catch(() => undefined);
      await onboarding.close();
      await connection.quit();
    }
  });
});

describe('the audit streams under AUDIT_RETENTION', () => {
  it('keeps the newest entries within a count, whatever their age', async () => {
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const prefix = testPrefix('audit-count');
    const keys = auditStreamKeys(prefix);
    try {
      for (const key of keys) for (let i = 0; i < 5; i += 1) await connection.xadd(key, '*', 'n', String(i));

      expect(await trimAuditStreams(connection, prefix, { ageMs: 86_400_000, count: 2 })).toBe(6);

      for (const key of keys) {
        expect((await connection.xrange(key, '-', '+')).map(([, fields]) => fields[1])).toEqual(['3', '4']);
      }
    } finally {
      await connection.del(...keys);
      await connection.quit();
    }
  });

  it('an audit stream it cannot trim is reported, and what the sweep removed before is still counted', async () => {
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const prefix = testPrefix('audit-broken');
    const writer = createDeadLetterWriter(connection, prefix);
    const [credentialsAudit] = auditStreamKeys(prefix) as [string];
    try {
      const [businessId] = businessIds(1, 5_970_000) as [string];
      await writer.write({
        version: 1,
        jobId: 'job-audit-broken',
        businessId,
        payload: minimalPayload(businessId),
        reason: { code: 'ROPO_REJECTED', message: 'refused' },
        attempts: [],
        lineage: { originalJobId: 'job-audit-broken', replayCount: 0 },
        deadLetteredAt: new Date().toISOString(),
      });
      // Not a stream (a hand-made key, say): XTRIM answers WRONGTYPE, as a Redis before 6.2 refuses MINID.
      await connection.set(credentialsAudit, 'not a stream');
      await new Promise((resolve) => setTimeout(resolve, 20));

      const result = await sweepRetention(connection, prefix, {
        events: { ageMs: 3_600_000 },
        completed: { ageMs: 3_600_000 },
        deadLetterMs: 10,
        audit: { ageMs: 3_600_000 },
        ropoTarget: 'sandbox',
      });

      expect(result).toMatchObject({ deadLetters: 1, auditEntries: 0 });
      expect(result.auditTrimError).toMatch(/WRONGTYPE/);
    } finally {
      await writer.close();
      await connection.del(credentialsAudit);
      for (const name of ALL_QUEUE_NAMES) {
        const queue = new Queue(name, { connection, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await connection.quit();
    }
  });
});
