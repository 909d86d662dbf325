import { newCredentialKeyEntry, parseCredentialKeys } from '../../../src/contracts/credential-cipher';
import { createCredentialStore } from '../../../src/queues/credential-store';
import { businessIds, minimalPayload } from '../../support/payloads';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { testRedisUrl } from '../../support/redis';
import { runCli } from '../../support/run-cli';

// Each step spawns the CLI as a user would; on a busy 2-core machine a start-up takes seconds.
jest.setTimeout(120_000);

describe('customer and credentials commands, as an operator runs them', () => {
  let pipeline: TestPipeline;
  const oldKey = newCredentialKeyEntry('old');
  const newKey = newCredentialKeyEntry('new');

  beforeAll(async () => {
    pipeline = await startTestPipeline({ env: { CREDENTIALS_KEYS: oldKey } });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('shows the timeline, shows credentials (audited), rotates them and lists stalled wizards in stats', async () => {
    const [id] = businessIds(1, 4_470_000) as [string];
    const job = await pipeline.producer.enqueue(minimalPayload(id));
    await pipeline.waitForJob(job.jobId);
    const store = createCredentialStore(pipeline.connection, pipeline.prefix, parseCredentialKeys(oldKey));
    await store.put({
      businessId: id,
      cid: '800001',
      externalId: null,
      matched: true,
      matchedBy: 'bid',
      activatedAt: new Date().toISOString(),
      apicode: 'cli-secret-apicode',
    });
    const env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: pipeline.prefix };

    const customer = await runCli(['customer', id, '--json'], env);
    expect(customer.code).toBe(0);
    const timeline = JSON.parse(customer.stdout) as { state: string; steps: { step: string }[] };
    expect(timeline.state).toBe('activated');
    expect(timeline.steps.map((s) => s.step)).toEqual(['enqueued', 'pending', 'activated']);
    expect(customer.stdout).not.toContain('cli-secret-apicode');

    const refused = await runCli(['credentials', 'show', id], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('CREDENTIALS_KEYS is not set');

    const shown = await runCli(['credentials', 'show', id], { ...env, CREDENTIALS_KEYS: oldKey });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      businessId: id,
      cid: '800001',
      apicode: 'cli-secret-apicode',
    });
    const audit = await store.audit();
    expect(audit[0]).toMatchObject({ action: 'read', businessId: id });
    expect(audit[0]?.who).toMatch(/^cli:/);

    const rotated = await runCli(['credentials', 'rotate'], {
      ...env,
      CREDENTIALS_KEYS: `${newKey},${oldKey}`,
    });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('re-sealed 1 of 1');
    const again = await runCli(['credentials', 'show', id], { ...env, CREDENTIALS_KEYS: newKey });
    expect(JSON.parse(again.stdout)).toMatchObject({ apicode: 'cli-secret-apicode' });

    const stats = await runCli(['stats', '--json'], { ...env, WIZARD_STALLED_AFTER: '1' });
    expect(stats.code).toBe(0);
    const parsed = JSON.parse(stats.stdout) as { funnel: Record<string, number>; stalledWizards: unknown[] };
    expect(parsed.funnel).toMatchObject({ received: 1, pending: 1, activated: 1 });
    // Activated, so not stalled however long ago it was pending.
    expect(parsed.stalledWizards).toEqual([]);
  });
});
