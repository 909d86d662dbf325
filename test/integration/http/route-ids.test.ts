import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { jsonInit, startHttpHarness, type HttpHarness } from './support/http-harness';

describe('route ids must have the shapes the service issues (real HTTP, real Redis)', () => {
  let http: HttpHarness;
  let deadLetters: Queue;
  beforeAll(async () => {
    http = await startHttpHarness();
    deadLetters = new Queue(QUEUE_NAMES.deadLetter, { connection: http.connection, prefix: http.prefix });
    // Queues whose meta hash and events stream exist, as in any running installation.
    await deadLetters.add('probe', {}, { jobId: 'dl-evt-probe-1' });
    const accepted = await http.request(
      '/v1/onboardings',
      jsonInit(minimalPayload(businessIds(1, 5_300_000)[0] as string)),
    );
    expect(accepted.status).toBe(202);
  });
  afterAll(async () => {
    await deadLetters.close();
    await http.close();
  });

  it.each(['meta', 'events', 'id', 'wait', 'not a job'])(
    'GET /v1/onboardings/%s answers 404 NOT_FOUND',
    async (id) => {
      const response = await http.request(`/v1/onboardings/${encodeURIComponent(id)}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    },
  );

  it('DELETE /v1/dead-letters/meta answers 404 and leaves the queue meta hash alone', async () => {
    const metaKey = `${http.prefix}:${QUEUE_NAMES.deadLetter}:meta`;
    const before = await http.connection.hgetall(metaKey);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    for (const id of ['meta', 'events', 'dl-meta']) {
      expect((await http.request(`/v1/dead-letters/${id}`, { method: 'DELETE' })).status).toBe(404);
      expect((await http.request(`/v1/dead-letters/${id}`)).status).toBe(404);
    }
    expect(await http.connection.hgetall(metaKey)).toEqual(before);
    // A real id still works.
    expect((await http.request('/v1/dead-letters/dl-evt-probe-1')).status).toBe(200);
  });
});
