import { startHttpHarness, type HttpHarness } from './support/http-harness';
import { businessIds, minimalPayload } from '../../support/payloads';

const ndjson = (lines: string[]): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-ndjson' },
  body: `${lines.join('\n')}\n`,
});

// A record with 30 unknown keys: 30 field errors on one line.
const manyErrors = (id: string): string =>
  JSON.stringify({
    ...minimalPayload(id),
    ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`typo_${i}`, 1])),
  });

interface BatchAnswer {
  rejected: number;
  accepted: number;
  errorsTruncated?: boolean;
  results: { line: number; status: string; errors?: unknown[]; errorCount?: number }[];
}

describe('NDJSON batch limits: lines, errors, and the event loop', () => {
  let http: HttpHarness;
  beforeAll(async () => {
    http = await startHttpHarness({ env: { INTAKE_MAX_BATCH_LINES: '100' } });
  });
  afterAll(async () => {
    await http.close();
  });

  it('answers 413 BATCH_TOO_MANY_LINES above INTAKE_MAX_BATCH_LINES, before enqueueing any', async () => {
    const ids = businessIds(101, 5_100_000);
    const lines = ids.map((id) => JSON.stringify(minimalPayload(id)));
    const response = await http.request('/v1/onboardings/batch', ndjson(lines));
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BATCH_TOO_MANY_LINES');
    expect(body.error.message).toContain('INTAKE_MAX_BATCH_LINES (100)');
    expect(response.headers.get('connection')).toBe('close');
    // Blank lines do not count; exactly the cap is accepted.
    const atCap = await http.request('/v1/onboardings/batch', ndjson(['', ...lines.slice(0, 100), '', '']));
    expect(atCap.status).toBe(200);
    expect(((await atCap.json()) as BatchAnswer).accepted).toBe(100);
  });

  it('lists at most 20 errors a line and 1,000 a batch, and counts the rest', async () => {
    const ids = businessIds(60, 5_200_000);
    const response = await http.request('/v1/onboardings/batch', ndjson(ids.map(manyErrors)));
    expect(response.status).toBe(200);
    const body = (await response.json()) as BatchAnswer;
    expect(body.rejected).toBe(60);
    expect(body.errorsTruncated).toBe(true);
    expect(body.results[0]?.errors).toHaveLength(20);
    expect(body.results[0]?.errorCount).toBe(30);
    const listed = body.results.reduce((n, r) => n + (r.errors?.length ?? 0), 0);
    expect(listed).toBe(1_000);
    // Past the batch cap a line still says it was rejected and how many errors it had.
    expect(body.results[59]).toMatchObject({ line: 60, status: 'invalid', errors: [], errorCount: 30 });
  });
});

describe('a maximal batch does not stall the server', () => {
  let http: HttpHarness;
  beforeAll(async () => {
    http = await startHttpHarness({ env: { INTAKE_MAX_BATCH_BYTES: String(20 * 1024 * 1024) } });
  });
  afterAll(async () => {
    await http.close();
  });

  it('keeps /healthz answering while 10,000 invalid lines are checked', async () => {
    const line = JSON.stringify({ customer_info: { business_id: '1234567-8' }, extra: 'x'.repeat(200) });
    const lines = Array.from({ length: 10_000 }, () => line);
    let done = false;
    const batch = http.request('/v1/onboardings/batch', ndjson(lines)).finally(() => (done = true));
    const waits: number[] = [];
    while (!done) {
      const started = performance.now();
      const health = await fetch(`${http.url}/healthz`);
      await health.arrayBuffer();
      waits.push(performance.now() - started);
    }
    const response = await batch;
    expect(response.status).toBe(200);
    expect(((await response.json()) as BatchAnswer).rejected).toBe(10_000);
    // A cap with room for a loaded machine: before chunking, one check held the loop for the whole batch.
    const slowest = Math.max(...waits);
    process.stdout.write(
      `healthz during a 10,000-line batch: ${waits.length} probes, slowest ${slowest.toFixed(0)} ms\n`,
    );
    expect(slowest).toBeLessThan(500);
  });
});
