import { EVENT_TYPES } from '../../../src/contracts/events';
import { createAttemptLog } from '../../../src/queues/attempt-log';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, minimalPayload } from '../../support/payloads';

const JOBS = 500;
const OUTAGE_MS = 20_000;

describe('an outage at Ropo One heals by itself without filling the dead-letter queue', () => {
  let pipeline: TestPipeline;

  afterEach(async () => {
    await pipeline.close();
  });

  async function failedAttempts(jobIds: string[]): Promise<number> {
    const log = createAttemptLog(pipeline.onboarding);
    const counts = await Promise.all(jobIds.map(async (id) => (await log.list(id)).length));
    return counts.reduce((a, b) => a + b, 0);
  }

  it(`${JOBS} jobs through a ${OUTAGE_MS / 1000} s outage (connections reset): all created once, none dead-lettered`, async () => {
    pipeline = await startTestPipeline({
      env: {
        WORKER_CONCURRENCY: '20',
        JOB_ATTEMPTS: '8',
        BACKOFF_BASE_MS: '200',
        BACKOFF_MAX_MS: '2000',
        BREAKER_THRESHOLD: '5',
        BREAKER_HALF_OPEN_MS: '1000',
      },
    });
    const ids = businessIds(JOBS, 5_000_000);
    pipeline.sandbox.setFaults({ outage: { forMs: OUTAGE_MS, mode: 'reset' } });
    const outageEnds = Date.now() + OUTAGE_MS;
    const results = await pipeline.producer.enqueueMany(ids.map((id) => ({ payload: minimalPayload(id) })));
    const jobIds = results.map((r) => r.jobId);

    // Drains in about 5 s on a quiet machine; the wait is long so a busy one (once: 170 of 500 left
    // after 60 s with four other suites running) is not mistaken for jobs left behind.
    await pipeline.waitForAll(jobIds, OUTAGE_MS + 180_000);
    const drainedAfterMs = Date.now() - outageEnds;

    expect(await pipeline.deadLetters()).toHaveLength(0);
    const states = await Promise.all(jobIds.map((id) => pipeline.onboarding.getJobState(id)));
    expect(states.filter((s) => s !== 'completed')).toEqual([]);

    const creations = new Map(pipeline.sandbox.creations().map((c) => [c.businessId, c.count]));
    expect(ids.filter((id) => creations.get(id) !== 1)).toEqual([]);
    const outcomes = (await pipeline.events()).filter((e) => e.type === EVENT_TYPES.pending);
    expect(outcomes).toHaveLength(JOBS);

    // While the breaker holds the queue no attempt is spent: failures are the few calls that opened
    // it and one half-open probe per second of outage, not one per job.
    const spent = await failedAttempts(jobIds);
    process.stdout.write(
      `outage: ${JOBS} jobs, ${spent} failed attempts, drained ${drainedAfterMs} ms after recovery\n`,
    );
    expect(spent).toBeLessThan(5 + 20 + OUTAGE_MS / 1000 + 15);
  }, 240_000);

  it('a 503 with Retry-After holds the queue for that long without spending any attempt', async () => {
    pipeline = await startTestPipeline({ env: { WORKER_CONCURRENCY: '5', BREAKER_THRESHOLD: '100' } });
    const ids = businessIds(20, 6_000_000);
    pipeline.sandbox.setFaults({ outage: { forMs: 3000, mode: '503' } });
    const results = await pipeline.producer.enqueueMany(ids.map((id) => ({ payload: minimalPayload(id) })));
    await pipeline.waitForAll(
      results.map((r) => r.jobId),
      30_000,
    );

    expect(await failedAttempts(results.map((r) => r.jobId))).toBe(0);
    expect(await pipeline.deadLetters()).toHaveLength(0);
    const creations = new Map(pipeline.sandbox.creations().map((c) => [c.businessId, c.count]));
    expect(ids.filter((id) => creations.get(id) !== 1)).toEqual([]);
  }, 60_000);
});
