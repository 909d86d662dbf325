import { loadConfig } from '../../../src/config';
import { EVENT_TYPES } from '../../../src/contracts/events';
import { createLedger, ledgerKey, removeLedgerEntries } from '../../../src/queues/onboarding-ledger';
import { examplePayload } from '../../support/payloads';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { testPrefix } from '../../support/redis';

// The real Ropo One is played by a second sandbox: what matters is that the configuration names
// a real target (ROPO_BASE_URL + ROPO_CID), so the ledger is that target's.
const REAL = {
  ROPO_BASE_URL: 'https://ropo.example.test/rest',
  ROPO_CID: 'partner-cid',
  ROPO_APICODE: 'partner-apicode',
};

describe('customer-keyed state is namespaced by the Ropo One target (real Redis, real HTTP)', () => {
  const opened: TestPipeline[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  it('a sandbox outcome never makes the real Ropo One answer "already onboarded"', async () => {
    const prefix = testPrefix('target');
    const businessId = examplePayload.customer_info.business_id;

    const sandboxed = await startTestPipeline({ prefix });
    opened.push(sandboxed);
    expect(sandboxed.config.ropo.target).toBe('sandbox');
    const first = await sandboxed.producer.enqueue(examplePayload, { eventId: 'first-run-1' });
    expect((await sandboxed.waitForJob(first.jobId)).returnvalue).toMatchObject({ outcome: 'created' });
    await sandboxed.close();
    opened.pop();

    const real = await startTestPipeline({ prefix, env: REAL, ropoBaseUrl: (s) => s.baseUrl });
    opened.push(real);
    expect(real.config.ropo.target).toMatch(/^[0-9a-f]{16}$/);
    const second = await real.producer.enqueue(examplePayload, { eventId: 'production-1' });
    const job = await real.waitForJob(second.jobId);

    // Created at the real target, not skipped as settled by the sandbox's outcome.
    expect(job.returnvalue).toMatchObject({ outcome: 'created', businessId });
    expect(real.sandbox.creations().filter((c) => c.businessId === businessId)).toHaveLength(1);
    expect((await real.events()).map((e) => e.type)).toContain(EVENT_TYPES.created);

    // Each target keeps its own entry; erasure removes both.
    const sandboxEntry = await createLedger(real.connection, prefix, 'sandbox').get(businessId);
    const realEntry = await createLedger(real.connection, prefix, real.config.ropo.target).get(businessId);
    expect(sandboxEntry).toMatchObject({ state: 'created', jobId: first.jobId });
    expect(realEntry).toMatchObject({ state: 'created', jobId: second.jobId });
    expect(await removeLedgerEntries(real.connection, prefix, businessId)).toBe(true);
    expect(await real.connection.exists(ledgerKey(prefix, 'sandbox', businessId))).toBe(0);
    expect(await real.connection.exists(ledgerKey(prefix, real.config.ropo.target, businessId))).toBe(0);
  });

  it('gives different targets different namespaces (base URL and cid both count)', () => {
    const a = loadConfig(REAL).ropo.target;
    expect(loadConfig({ ...REAL, ROPO_CID: 'other-cid' }).ropo.target).not.toBe(a);
    expect(loadConfig({ ...REAL, ROPO_BASE_URL: 'https://other.example.test/rest' }).ropo.target).not.toBe(a);
    // A trailing slash is the same Ropo One.
    expect(loadConfig({ ...REAL, ROPO_BASE_URL: 'https://ropo.example.test/rest/' }).ropo.target).toBe(a);
  });
});
