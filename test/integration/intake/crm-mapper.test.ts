import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { ConfigError } from '../../../src/errors/config-error';
import { loadIntakeMapper } from '../../../src/intake/load-mapper';
import { cloudEventId } from '../../../src/intake/read-message';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { openBridgeCoreFixture } from '../../support/bridge-core-fixture';
import { startHttpHarness } from '../http/support/http-harness';

// The example is what an integration team copies, so the test loads it exactly as INTAKE_MAPPER does.
const MAPPER = 'examples/crm-mapper/crm-mapper.js';
const SAMPLE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../../examples/crm-mapper/account-signed-up.json'), 'utf8'),
) as { eventId: string; account: Record<string, unknown> & { primaryContact: Record<string, unknown> } };

describe('examples/crm-mapper (INTAKE_MAPPER)', () => {
  const fixture = openBridgeCoreFixture('crm', { mapper: loadIntakeMapper(MAPPER) });
  const { core, onboarding, deadLetterQueue, logLines } = fixture;

  afterAll(() => fixture.close());

  it("turns the CRM's account.signed_up into a job keyed by the CRM's event id; a re-send is a duplicate", async () => {
    const body = Buffer.from(JSON.stringify(SAMPLE));
    expect(await core.handle(body)).toBe('stored');
    expect(await core.handle(body)).toBe('duplicate');
    const jobs = await onboarding.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job?.id).toBe(onboardingJobId(job?.data.payload, SAMPLE.eventId));
    expect(job?.data).toMatchObject({
      eventId: SAMPLE.eventId,
      source: 'acme-crm',
      payload: {
        allowIncompleteData: true,
        customer_info: {
          business_id: '1234567-1',
          name: 'Esimerkki Oy',
          postal_code: '00100',
          country: 'FI',
          language: 'fin',
          vat_number: 'FI12345671',
        },
        contact_person: { name: 'Maija Meikäläinen', email: 'maija.meikalainen@example.com' },
      },
    });
    // The CRM's own fields that Ropo One has no place for are not carried into the job.
    expect(JSON.stringify(job?.data.payload)).not.toContain('salesRep');
  });

  it('keeps a CRM record the payload schema refuses as a PAYLOAD_INVALID dead letter', async () => {
    const broken = structuredClone(SAMPLE);
    broken.eventId = 'acme-broken-1';
    broken.account.primaryContact = { ...broken.account.primaryContact, email: 'not-an-email' };
    expect(await core.handle(Buffer.from(JSON.stringify(broken)))).toBe('invalid');
    const [record] = await deadLetterQueue.getJobs(['waiting']);
    expect(record?.data.reason.code).toBe('PAYLOAD_INVALID');
    expect(record?.data.reason.errors?.map((e) => e.path)).toContain('contact_person.email');
    expect(record?.data.eventId).toBe('acme-broken-1');
    expect(logLines.join('')).not.toContain('not-an-email');
  });

  it('maps a CloudEvent carrying the CRM record on POST /v1/events, keyed by its source + id', async () => {
    const http = await startHttpHarness({
      env: { INTAKE_MAPPER: MAPPER, INTAKE_EVENT_TYPES: 'com.acme.crm.account.signed_up' },
    });
    const queue = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix: http.prefix });
    try {
      const event = {
        specversion: '1.0',
        id: 'ce-1',
        source: '/acme-crm/eu',
        type: 'com.acme.crm.account.signed_up',
        data: SAMPLE,
      };
      const response = await http.request('/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(event),
      });
      expect(response.status).toBe(202);
      const { jobId } = (await response.json()) as { jobId: string };
      const job = await queue.getJob(jobId);
      expect(job?.id).toBe(onboardingJobId(job?.data.payload, cloudEventId('/acme-crm/eu', 'ce-1')));
      expect(job?.data).toMatchObject({ source: 'acme-crm', payload: { customer_info: { country: 'FI' } } });
    } finally {
      await queue.close();
      await http.close();
    }
  });

  it("passes the service's own forms through unchanged, and load-mapper refuses a module without a function", () => {
    const mapper = loadIntakeMapper(MAPPER);
    const envelope = { payload: { customer_info: {} }, eventId: 'x' };
    expect(mapper?.(envelope)).toBe(envelope);
    expect(loadIntakeMapper(undefined)).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mapper-'));
    const file = path.join(dir, 'not-a-mapper.js');
    fs.writeFileSync(file, 'module.exports = { version: 1 };\n');
    try {
      expect(() => loadIntakeMapper(file)).toThrow(ConfigError);
      expect(() => loadIntakeMapper(file)).toThrow(/INTAKE_MAPPER/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
