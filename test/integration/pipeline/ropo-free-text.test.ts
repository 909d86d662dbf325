import { createDeadLetterOperations } from '../../../src/queues/dead-letter-operations';
import { businessIds, minimalPayload } from '../../support/payloads';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';

// The sandbox's injected answers carry `Message: "Injected <status>"`: it stands for Ropo's free
// text, which in real answers may quote a name, a phone number or an IBAN.
const FREE_TEXT = 'Injected 422';

describe("Ropo One's free text stays out of the payload-free views (real Redis, real HTTP)", () => {
  let pipeline: TestPipeline;
  afterEach(async () => {
    await pipeline.close();
  });

  it('a 422 leaves code and status in failedReason, job logs and the dead-letter list; the text only in the record', async () => {
    pipeline = await startTestPipeline({ sandbox: { faults: { sequence: [{ status: 422 }] } } });
    const [id] = businessIds(1, 5_400_000) as [string];
    const { jobId } = await pipeline.producer.enqueue(minimalPayload(id));
    const job = await pipeline.waitForJob(jobId);

    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain('ROPO_REJECTED');
    expect(job.failedReason).toContain('422');
    expect(job.failedReason).not.toContain(FREE_TEXT);
    const { logs } = await pipeline.onboarding.getJobLogs(jobId);
    expect(logs.join('\n')).not.toContain(FREE_TEXT);
    expect(pipeline.logText()).not.toContain(FREE_TEXT);

    const ops = createDeadLetterOperations(pipeline.connection, pipeline.prefix, {
      ropoTarget: pipeline.config.ropo.target,
    });
    try {
      const { items } = await ops.list();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ code: 'ROPO_REJECTED' });
      expect(JSON.stringify(items)).not.toContain(FREE_TEXT);
      // The payload-bearing record keeps Ropo's answer for whoever fixes the data.
      const record = await ops.show(items[0]?.id as string);
      expect(record?.reason).toMatchObject({ httpStatus: 422, ropoError: { Code: 422, Message: FREE_TEXT } });
      expect(record?.reason.message).not.toContain(FREE_TEXT);
    } finally {
      await ops.close();
    }
  });
});
