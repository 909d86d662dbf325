import fs from 'node:fs';
import { newCredentialKeyEntry } from '../../src/contracts/credential-cipher';
import { EVENT_TYPES } from '../../src/contracts/events';
import type { ActivationDelivery } from '../../src/sandbox';
import { jsonInit, startHttpHarness } from './http/support/http-harness';
import { businessIds, completePayload, minimalPayload } from '../support/payloads';
import { startTestPipeline } from '../support/pipeline-harness';
import { hasRedisServerBinary, spawnRedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/free-port';

jest.setTimeout(90_000);

const KEY = 'journey-activation-key-0123456789';
const CREDENTIALS_TOKEN = 'journey-credentials-token-0123456789';
// The worker and the HTTP server share one Ropo One target (the ledger is namespaced by it).
const env = {
  ROPO_BASE_URL: '',
  ROPO_CID: '',
  ROPO_APICODE: '',
  ROPO_SANDBOX: 'true',
  ACTIVATION_API_KEYS: KEY,
  CREDENTIALS_KEYS: newCredentialKeyEntry('k1'),
  CREDENTIALS_TOKENS: CREDENTIALS_TOKEN,
};

async function deliveries(sandboxUrl: string): Promise<ActivationDelivery[]> {
  const response = await fetch(`${sandboxUrl}/__sandbox/activations`);
  return ((await response.json()) as { activations: ActivationDelivery[] }).activations;
}

describe('the whole journey: enqueue → Ropo (sandbox) → terms accepted → activation callback', () => {
  it('takes a pending and a created customer to activated over real HTTP both ways', async () => {
    const pipeline = await startTestPipeline({ env });
    const http = await startHttpHarness({ prefix: pipeline.prefix, env });
    try {
      pipeline.sandbox.activations.setTarget({ url: `${http.url}/v1/ropo/activations`, key: KEY });
      const [pending, created] = businessIds(2, 4_480_000) as [string, string];
      const jobs = [
        await pipeline.producer.enqueue(minimalPayload(pending)),
        await pipeline.producer.enqueue(completePayload(created)),
      ];
      await pipeline.waitForAll(jobs.map((j) => j.jobId));

      for (const id of [pending, created]) {
        const accepted = await fetch(`${pipeline.sandbox.url}/__sandbox/profiles/${id}/accept-terms`, {
          method: 'POST',
        });
        expect(accepted.status).toBe(202);
        await accepted.text();
      }
      const unknown = await fetch(`${pipeline.sandbox.url}/__sandbox/profiles/9999999-9/accept-terms`, {
        method: 'POST',
      });
      expect(unknown.status).toBe(404);
      await unknown.text();
      await waitFor(async () =>
        (await deliveries(pipeline.sandbox.url)).every((d) => d.state === 'delivered'),
      );
      const sent = await deliveries(pipeline.sandbox.url);
      expect(sent).toHaveLength(2);

      for (const delivery of sent) {
        // The sandbox received our profile_uuid at creation and echoed it as external-id.
        expect(delivery.externalId).toMatch(/^[0-9a-f-]{36}$/);
        expect(delivery).toMatchObject({ attempts: 1, lastStatus: 201 });
        const read = await http.request(`/v1/customers/${delivery.businessId}/credentials`, {
          headers: { authorization: `Bearer ${CREDENTIALS_TOKEN}` },
        });
        expect(await read.json()).toMatchObject({
          cid: delivery.cid,
          apicode: delivery.apicode,
          externalId: delivery.externalId,
          matched: true,
        });
        const timeline = (await (await http.request(`/v1/customers/${delivery.businessId}`)).json()) as {
          state: string;
        };
        expect(timeline.state).toBe('activated');
        const events = (await pipeline.events()).filter(
          (e) => e.type === EVENT_TYPES.activated && e.subject === delivery.businessId,
        );
        expect(events).toHaveLength(1);
        expect(JSON.stringify(events)).not.toContain(delivery.apicode);
      }

      // Accepting again delivers nothing new; a repeated delivery by hand publishes nothing.
      const first = sent[0] as ActivationDelivery;
      const repeat = await fetch(
        `${http.url}/v1/ropo/activations`,
        jsonInit(
          { bid: first.businessId, 'external-id': first.externalId, cid: first.cid, apicode: first.apicode },
          { authorization: `Bearer ${KEY}` },
        ),
      );
      expect(repeat.status).toBe(200);
      await repeat.text();
      expect((await pipeline.events()).filter((e) => e.type === EVENT_TYPES.activated)).toHaveLength(2);
    } finally {
      await http.close();
      await pipeline.close();
    }
  });

  it('gives up on a 4xx (wrong key) and retries a 5xx until Redis is back', async () => {
    if (!hasRedisServerBinary()) throw new Error('this test needs redis-server on PATH');
    const port = await freePort();
    let redis = await spawnRedisServer({ port });
    const pipeline = await startTestPipeline({ env });
    const http = await startHttpHarness({ redisUrl: redis.url, env });
    try {
      pipeline.sandbox.activations.setRetry({ baseMs: 100, maxMs: 400, maxAttempts: 100 });
      const [wrongKey, outage] = businessIds(2, 4_490_000) as [string, string];
      const jobs = [
        await pipeline.producer.enqueue(minimalPayload(wrongKey)),
        await pipeline.producer.enqueue(minimalPayload(outage)),
      ];
      await pipeline.waitForAll(jobs.map((j) => j.jobId));

      pipeline.sandbox.activations.setTarget({ url: `${http.url}/v1/ropo/activations`, key: 'not-the-key' });
      await (
        await fetch(`${pipeline.sandbox.url}/__sandbox/profiles/${wrongKey}/accept-terms`, { method: 'POST' })
      ).text();
      await waitFor(async () => (await deliveries(pipeline.sandbox.url)).some((d) => d.state === 'gave-up'));
      expect((await deliveries(pipeline.sandbox.url))[0]).toMatchObject({
        businessId: wrongKey,
        attempts: 1,
        lastStatus: 401,
      });

      pipeline.sandbox.activations.setTarget({
        url: `${http.url}/v1/ropo/activations`,
        key: KEY,
        carrier: 'x-api-key',
      });
      await redis.stop();
      await (
        await fetch(`${pipeline.sandbox.url}/__sandbox/profiles/${outage}/accept-terms`, { method: 'POST' })
      ).text();
      const outageDelivery = async () =>
        (await deliveries(pipeline.sandbox.url)).find((d) => d.businessId === outage);
      await waitFor(async () => ((await outageDelivery())?.attempts ?? 0) >= 2);
      expect(await outageDelivery()).toMatchObject({ state: 'delivering', lastStatus: 503 });
      redis = await spawnRedisServer({ port, dir: redis.dir });
      await waitFor(async () => (await outageDelivery())?.state === 'delivered', 60_000);
      const delivered = (await outageDelivery()) as ActivationDelivery;
      expect(delivered.lastStatus).toBe(201);
      const read = await http.request(`/v1/customers/${outage}/credentials`, {
        headers: { authorization: `Bearer ${CREDENTIALS_TOKEN}` },
      });
      expect(await read.json()).toMatchObject({ cid: delivered.cid, apicode: delivered.apicode });
    } finally {
      await http.close();
      await pipeline.close();
      await redis.stop();
      fs.rmSync(redis.dir, { recursive: true, force: true });
    }
  });
});
