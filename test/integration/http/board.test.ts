import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds } from '../../support/payloads';
import { BOARD, jsonInit, startHttpHarness, type HttpHarness } from './support/http-harness';
import { expectNoPersonalData, PERSONAL, personalPayload } from './support/personal-data';

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

type ErrorBody = { error: { code: string } };

async function withHarness(
  env: NodeJS.ProcessEnv,
  test: (http: HttpHarness, onboarding: Queue) => Promise<void>,
  openBoard = false,
): Promise<void> {
  const http = await startHttpHarness({ env, openBoard });
  const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix: http.prefix });
  try {
    await test(http, onboarding);
  } finally {
    await onboarding.obliterate({ force: true }).catch(() => undefined);
    await onboarding.close();
    await http.close();
  }
}

describe('Bull Board at /admin/queues', () => {
  it('asks for basic authentication and refuses wrong credentials', async () => {
    await withHarness({}, async (http) => {
      for (const authorization of [
        undefined,
        basic(BOARD.username, 'wrong'),
        basic('root', BOARD.password),
        'Bearer x',
      ]) {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/js/x.js']) {
          const response = await http.request(path, { auth: false, headers });
          expect({ path, status: response.status }).toEqual({ path, status: 401 });
          expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="bull-board"/);
          expect(((await response.json()) as ErrorBody).error.code).toBe('UNAUTHORIZED');
        }
      }
      const page = await http.request('/admin/queues', {
        auth: false,
        headers: { authorization: basic(BOARD.username, BOARD.password) },
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<base href="/admin/queues/"');
      const api = await http.request('/admin/queues/api/queues', {
        auth: false,
        headers: { authorization: basic(BOARD.username, BOARD.password) },
      });
      const { queues } = (await api.json()) as { queues: { name: string }[] };
      expect(queues.map((q) => q.name).sort()).toEqual(
        [QUEUE_NAMES.onboarding, QUEUE_NAMES.deadLetter, QUEUE_NAMES.events].sort(),
      );
    });
  });

  it('in read-only mode refuses every mutation with 403 READ_ONLY, even past the UI', async () => {
    await withHarness({ BOARD_READ_ONLY: 'true' }, async (http, onboarding) => {
      const headers = {
        authorization: basic(BOARD.username, BOARD.password),
        'content-type': 'application/json',
      };
      const mutations: [string, string][] = [
        ['PUT', '/admin/queues/api/queues/pause'],
        ['PUT', `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/empty`],
        ['PUT', `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/clean/completed`],
        ['POST', `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/add`],
        ['DELETE', `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/obliterate`],
        ['PATCH', `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/some-job/update-data`],
      ];
      for (const [method, path] of mutations) {
        const response = await http.request(path, { method, headers, auth: false, body: '{}' });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expect(((await response.json()) as ErrorBody).error.code).toBe('READ_ONLY');
      }
      const api = await http.request('/admin/queues/api/queues', { headers, auth: false });
      const { queues } = (await api.json()) as { queues: { readOnlyMode: boolean }[] };
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);
      expect(await onboarding.isPaused()).toBe(false);
    });
  });

  it('hides payloads when BOARD_SHOW_PAYLOADS=false, and refuses writes of job data then', async () => {
    await withHarness({ BOARD_SHOW_PAYLOADS: 'false' }, async (http) => {
      const [businessId] = businessIds(1, 3_500_000) as [string];
      const accepted = await http.request('/v1/onboardings', jsonInit(personalPayload(businessId)));
      const { jobId } = (await accepted.json()) as { jobId: string };
      const headers = { authorization: basic(BOARD.username, BOARD.password) };
      const job = await http.request(`/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/${jobId}`, {
        headers,
        auth: false,
      });
      const text = await job.text();
      expect(job.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({
        job: { id: jobId, data: { payload: expect.stringContaining('hidden'), businessId, source: 'http' } },
      });
      expectNoPersonalData(text, 'the board job answer');
      const list = await http.request(
        `/admin/queues/api/queues?activeQueue=${QUEUE_NAMES.onboarding}&status=latest`,
        {
          headers,
          auth: false,
        },
      );
      expectNoPersonalData(await list.text(), 'the board queue listing');
      const write = await http.request(
        `/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/${jobId}/update-data`,
        {
          method: 'PATCH',
          headers: { ...headers, 'content-type': 'application/json' },
          auth: false,
          body: JSON.stringify({ data: { payload: 'x' } }),
        },
      );
      expect(write.status).toBe(403);
      await write.text();
    });
  });

  it('shows payloads when BOARD_SHOW_PAYLOADS=true', async () => {
    await withHarness({ BOARD_SHOW_PAYLOADS: 'true' }, async (http) => {
      const [businessId] = businessIds(1, 3_500_100) as [string];
      const accepted = await http.request('/v1/onboardings', jsonInit(personalPayload(businessId)));
      const { jobId } = (await accepted.json()) as { jobId: string };
      const job = await http.request(`/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/${jobId}`, {
        headers: { authorization: basic(BOARD.username, BOARD.password) },
        auth: false,
      });
      expect(await job.text()).toContain(PERSONAL.email);
    });
  });

  it('is not served without credentials (and says why in the log), except by `start` on loopback in sandbox mode', async () => {
    const noLogin = { BOARD_USERNAME: '', BOARD_PASSWORD: '' };
    // `serve` in sandbox mode on loopback: still no open board (before, this answered 200 with payloads).
    for (const env of [
      noLogin,
      { ...noLogin, ROPO_BASE_URL: '', ROPO_CID: '', ROPO_APICODE: '', ROPO_SANDBOX: 'true' },
    ]) {
      await withHarness(env, async (http) => {
        const response = await http.request('/admin/queues', { auth: false });
        expect(response.status).toBe(404);
        await response.text();
        expect(http.logLines.some((line) => line.includes('Bull Board is disabled'))).toBe(true);
      });
    }
    await withHarness(
      { ...noLogin, ROPO_BASE_URL: '', ROPO_CID: '', ROPO_APICODE: '' },
      async (http) => {
        const response = await http.request('/admin/queues', { auth: false });
        expect(response.status).toBe(200);
        await response.text();
        expect(http.logLines.some((line) => line.includes('NO LOGIN'))).toBe(true);
      },
      true,
    );
  });

  it('hides payloads unless BOARD_SHOW_PAYLOADS=true, also outside production', async () => {
    await withHarness({ NODE_ENV: 'development' }, async (http) => {
      const [businessId] = businessIds(1, 3_500_200) as [string];
      const accepted = await http.request('/v1/onboardings', jsonInit(personalPayload(businessId)));
      const { jobId } = (await accepted.json()) as { jobId: string };
      const job = await http.request(`/admin/queues/api/queues/${QUEUE_NAMES.onboarding}/${jobId}`, {
        headers: { authorization: basic(BOARD.username, BOARD.password) },
        auth: false,
      });
      expect(job.status).toBe(200);
      expectNoPersonalData(await job.text(), 'the board job answer without BOARD_SHOW_PAYLOADS');
    });
  });

  it('refuses write-guard bypasses by case, trailing or doubled slashes and percent-encoding', async () => {
    await withHarness({ BOARD_READ_ONLY: 'true' }, async (http, onboarding) => {
      const q = QUEUE_NAMES.onboarding;
      const headers = {
        authorization: basic(BOARD.username, BOARD.password),
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
      };
      for (const [method, path] of [
        ['POST', `/admin/queues/api/queues/${q}/ADD`],
        ['POST', `/admin/queues/api/queues/${q}/add/`],
        ['POST', `/admin/queues/API/queues/${q}/add`],
        ['POST', `/admin/queues/api//queues/${q}/%61dd`],
        ['PATCH', `/admin/queues/api/queues/${q}/some-job/UPDATE-DATA`],
      ] as const) {
        const response = await http.request(path, {
          method,
          headers,
          auth: false,
          body: JSON.stringify({ name: 'x', data: {} }),
        });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        await response.text();
      }
      expect(await onboarding.count()).toBe(0);
    });
  });

  it('refuses cross-site and text/plain board writes (CSRF), and retrying onboarding jobs', async () => {
    await withHarness({ BOARD_SHOW_PAYLOADS: 'true' }, async (http, onboarding) => {
      const q = QUEUE_NAMES.onboarding;
      const auth = { authorization: basic(BOARD.username, BOARD.password) };
      const add = (headers: Record<string, string>) =>
        http.request(`/admin/queues/api/queues/${q}/add`, {
          method: 'POST',
          headers: { ...auth, ...headers },
          auth: false,
          body: JSON.stringify({ name: 'x', data: {} }),
        });
      const plain = await add({ 'content-type': 'text/plain', origin: 'https://evil.example' });
      expect(plain.status).toBe(415);
      await plain.text();
      const crossSite = await add({ 'content-type': 'application/json', origin: 'https://evil.example' });
      expect(crossSite.status).toBe(403);
      await crossSite.text();
      const noOrigin = await add({ 'content-type': 'application/json' });
      expect(noOrigin.status).toBe(403);
      await noOrigin.text();
      expect(await onboarding.count()).toBe(0);
      // The board's own page (same origin, JSON) may still write.
      const own = await add({ 'content-type': 'application/json', origin: new URL(http.url).origin });
      expect(own.status).toBe(200);
      await own.text();
      expect(await onboarding.count()).toBe(1);
      const retry = await http.request(`/admin/queues/api/queues/${q}/retry/failed`, {
        method: 'PUT',
        headers: { ...auth, 'sec-fetch-site': 'same-origin' },
        auth: false,
      });
      expect(retry.status).toBe(403);
      await retry.text();
      const api = await http.request('/admin/queues/api/queues', { headers: auth, auth: false });
      const { queues } = (await api.json()) as {
        queues: { name: string; allowRetries: boolean; description?: string }[];
      };
      const shown = queues.find((queue) => queue.name === q);
      expect(shown?.allowRetries).toBe(false);
      expect(shown?.description).toContain('/v1/dead-letters');
    });
  });
});
