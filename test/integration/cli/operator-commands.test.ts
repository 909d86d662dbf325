import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENT_TYPES } from '../../../src/contracts/events';
import { createLedger } from '../../../src/queues/onboarding-ledger';
import { runCli } from '../../support/run-cli';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, completePayload, minimalPayload } from '../../support/payloads';
import { testRedisUrl } from '../../support/redis';

// Each step spawns the CLI as a user would; on a busy 2-core machine a start-up takes seconds.
jest.setTimeout(120_000);

describe('the onboarding command, as an operator runs it', () => {
  let pipeline: TestPipeline;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    pipeline = await startTestPipeline({ env: { JOB_ATTEMPTS: '2' } });
    env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: pipeline.prefix };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-cli-'));
  });

  afterAll(async () => {
    await pipeline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enqueue takes NDJSON, enqueues the valid lines and names the invalid ones by line and field', async () => {
    const [good, other] = businessIds(2, 9_000_000) as [string, string];
    const file = path.join(dir, 'batch.ndjson');
    fs.writeFileSync(
      file,
      [
        JSON.stringify(completePayload(good)),
        JSON.stringify({ payload: minimalPayload(other), eventId: 'crm-1', source: 'crm' }),
        '{"customer_info": ',
        JSON.stringify(minimalPayload('1234567-8', 'maija@example.com')),
      ].join('\n'),
    );
    const result = await runCli(['enqueue', file], env);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2 enqueued, 0 duplicate(s), 2 invalid');
    expect(result.stdout).toMatch(/line 3: .*JSON_INVALID/);
    expect(result.stdout).toMatch(
      /line 4: customer_info\.business_id: BUSINESS_ID_CHECK_DIGIT: .*should be 1/,
    );
    expect(result.stdout).not.toContain('maija@example.com');

    const again = await runCli(['enqueue', '--json', '-'], env, JSON.stringify(completePayload(good)));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ enqueued: 0, duplicates: 1, invalid: 0 });
  });

  it('stats --json shows the outcome events and every queue', async () => {
    const [id] = businessIds(1, 9_100_000) as [string];
    const { jobId } = await pipeline.producer.enqueue(completePayload(id));
    await pipeline.waitForJob(jobId);
    const result = await runCli(['stats', '--json'], env);
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as {
      queues: Record<string, { completed: number }>;
      recentEvents: { type: string; subject: string; jobId: string }[];
    };
    expect(Object.keys(stats.queues).sort()).toEqual([
      'onboarding',
      'onboarding-dead-letter',
      'onboarding-events',
    ]);
    expect(stats.queues.onboarding?.completed).toBeGreaterThanOrEqual(1);
    expect(stats.recentEvents).toContainEqual(
      expect.objectContaining({ type: EVENT_TYPES.created, subject: id, jobId }),
    );
  });

  it('dlq list, show and replay --patch fix a dead letter end to end', async () => {
    const [id] = businessIds(1, 9_200_000) as [string];
    const payload = completePayload(id);
    (payload.settlement_settings as Record<string, unknown>).bank_account_number = 'FI2112345600000786';
    await pipeline.onboarding.add(
      'onboard-customer',
      { payload, receivedAt: new Date().toISOString(), deliveryId: 'cli' },
      { jobId: 'cli-bad-iban', attempts: 1 },
    );
    await pipeline.waitForJob('cli-bad-iban');

    const list = await runCli(['dlq', 'list', '--code', 'PAYLOAD_INVALID', '--json'], env);
    const page = JSON.parse(list.stdout) as { total: number; items: { id: string; fields: string[] }[] };
    expect(page.items).toContainEqual(
      expect.objectContaining({ id: 'dl-cli-bad-iban', fields: ['settlement_settings.bank_account_number'] }),
    );
    expect(list.stdout).not.toContain('FI2112345600000786');

    const show = await runCli(['dlq', 'show', 'dl-cli-bad-iban'], env);
    expect(JSON.parse(show.stdout)).toMatchObject({
      jobId: 'cli-bad-iban',
      reason: { code: 'PAYLOAD_INVALID' },
    });

    const dry = await runCli(['dlq', 'replay', 'dl-cli-bad-iban', '--dry-run', '--patch', '{}'], env);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/still invalid: settlement_settings\.bank_account_number: IBAN/);

    const patch = JSON.stringify({ settlement_settings: { bank_account_number: 'FI2112345600000785' } });
    const replay = await runCli(['dlq', 'replay', 'dl-cli-bad-iban', '--patch', patch], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed as job rp-cli-bad-iban-1');
    const job = await pipeline.waitForJob('rp-cli-bad-iban-1');
    expect(job.returnvalue).toMatchObject({ outcome: 'created', businessId: id });
    expect((await runCli(['dlq', 'show', 'dl-cli-bad-iban'], env)).code).toBe(1);
  });

  it("erase removes a customer's jobs, dead letters, events and ledger entry and says what it removed", async () => {
    const [id] = businessIds(1, 9_300_000) as [string];
    const { jobId } = await pipeline.producer.enqueue(completePayload(id));
    await pipeline.waitForJob(jobId);
    const ledger = createLedger(pipeline.connection, pipeline.prefix, pipeline.config.ropo.target);
    expect(await ledger.get(id)).toMatchObject({ state: 'created' });

    const result = await runCli(['erase', id, '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      businessId: id,
      onboardingJobs: [jobId],
      ledger: true,
    });
    expect(await pipeline.onboarding.getJob(jobId)).toBeUndefined();
    expect(await ledger.get(id)).toBeNull();
    expect((await pipeline.events()).filter((e) => e.subject === id)).toEqual([]);
  });

  it('a bad setting stops the command, naming the variable', async () => {
    const result = await runCli(['stats'], { ...env, WORKER_CONCURRENCY: 'lots' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('WORKER_CONCURRENCY');
  });
});
