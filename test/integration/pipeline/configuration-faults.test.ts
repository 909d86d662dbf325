import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, minimalPayload } from '../../support/payloads';
import { waitFor } from '../../support/wait-for';

describe('faults of our own configuration pause the queue and alert instead of dead-lettering', () => {
  let pipeline: TestPipeline;

  afterEach(async () => {
    await pipeline.close();
  });

  it('a missing create_customer_api contract (403): paused, ALERT logged, no attempt spent; resume heals it', async () => {
    pipeline = await startTestPipeline({ sandbox: { contracts: [] }, timing: { authHoldMs: 200 } });
    const ids = businessIds(5, 9_500_000);
    const results = await pipeline.producer.enqueueMany(ids.map((id) => ({ payload: minimalPayload(id) })));

    await waitFor(() => pipeline.onboarding.isPaused());
    expect(pipeline.logText()).toMatch(
      /"level":"error","message":"ALERT: Ropo One refused our configuration/,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pipeline.deadLetters()).toHaveLength(0);
    expect(await pipeline.onboarding.getFailedCount()).toBe(0);
    const jobs = await Promise.all(results.map((r) => pipeline.onboarding.getJob(r.jobId)));
    expect(jobs.map((j) => j?.attemptsMade)).toEqual(ids.map(() => 0));

    // The operator fixes the contract and runs `npx onboarding resume`.
    pipeline.sandbox.setContracts(['create_customer_api']);
    await pipeline.onboarding.resume();
    await pipeline.waitForAll(results.map((r) => r.jobId));
    const states = await Promise.all(results.map((r) => pipeline.onboarding.getJobState(r.jobId)));
    expect(states).toEqual(ids.map(() => 'completed'));
    expect(pipeline.sandbox.creations().map((c) => c.count)).toEqual(ids.map(() => 1));
  });

  it('a wrong ROPO_BASE_URL (404) is a configuration fault too, not a reason to dead-letter', async () => {
    pipeline = await startTestPipeline({
      ropoBaseUrl: (sandbox) => `${sandbox.url}/wrong/rest`,
      timing: { authHoldMs: 200 },
    });
    const [id] = businessIds(1, 9_600_000) as [string];
    const { jobId } = await pipeline.producer.enqueue(minimalPayload(id));
    await waitFor(() => pipeline.onboarding.isPaused());
    expect(await pipeline.deadLetters()).toHaveLength(0);
    expect(await pipeline.onboarding.getJobState(jobId)).not.toBe('failed');
    expect(pipeline.logText()).toContain('ALERT');
  });
});
