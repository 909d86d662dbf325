import type { ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox, type Sandbox } from '../../../src/sandbox';
import { startRole, stopRole } from '../../support/cli-role';
import { freePort } from '../../support/free-port';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { businessIds, completePayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';

const TOKEN = 'tracing-intake-token';
const OPERATOR = 'tracing-operator-token';
const UPSTREAM_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const UPSTREAM_SPAN = '00f067aa0ba902b7';

// Values of the payload that must never reach a span: the example's people, phones and account.
function personalValues(payload: Record<string, unknown>): string[] {
  const values: string[] = [];
  const walk = (value: unknown, key = ''): void => {
    if (typeof value === 'string') {
      if (/e-?mail|phone|telephone|name|iban|bank_account|address|owner/i.test(key) && value.length > 3)
        values.push(value);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
    }
  };
  walk(payload);
  return values;
}

/** The chain of spans from `span` up to its root, as far as they were received. */
function ancestors(span: ReceivedSpan, all: ReceivedSpan[]): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  let current: ReceivedSpan | undefined = span;
  while (current?.parentSpanId) {
    const parentId: string = current.parentSpanId;
    current = all.find((s) => s.spanId === parentId);
    if (current) chain.push(current);
  }
  return chain;
}

describe('tracing across the HTTP and worker processes', () => {
  let receiver: OtlpReceiver;
  let sandbox: Sandbox;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await Promise.all(children.map(stopRole));
    await sandbox.close();
    await receiver.close();
  });

  /** `serve` and `worker` on their own queue prefix, exporting spans to the receiver; stopped in afterAll. */
  async function startTracedRoles(label: string, options: { sinksFile?: string } = {}) {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testPrefix(label),
      ROPO_BASE_URL: sandbox.baseUrl,
      ROPO_CID: SANDBOX_CID,
      ROPO_APICODE: SANDBOX_APICODE,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      INTAKE_TOKENS: TOKEN,
      OPERATOR_TOKENS: OPERATOR,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const http = startRole(['serve'], env);
    const worker = startRole(['worker'], env);
    children.push(http.child, worker.child);
    if (options.sinksFile) {
      const deliver = startRole(['deliver'], { ...env, EVENT_SINKS: options.sinksFile });
      children.push(deliver.child);
      await waitFor(() => deliver.output.join('').includes('deliver ready'), 30_000);
    }
    await waitFor(() => http.output.join('').includes('http ready'), 30_000);
    return { port, worker };
  }

  it('gives one trace from the upstream traceparent to the createprofile call, with no personal data', async () => {
    const { port, worker } = await startTracedRoles('trace');

    const [businessId] = businessIds(1, 3_100_000) as [string];
    const payload = completePayload(businessId);
    const response = await fetch(`http://127.0.0.1:${port}/v1/onboardings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
        traceparent: `00-${UPSTREAM_TRACE}-${UPSTREAM_SPAN}-01`,
      },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(202);

    const inTrace = () => receiver.spans.filter((s) => s.traceId === UPSTREAM_TRACE);
    const createProfileCall = () =>
      inTrace().find(
        (s) =>
          s.service === 'onboarding-worker' &&
          s.kind === 3 &&
          JSON.stringify(s.attributes).includes('/profile/createprofile'),
      );
    // Each process exports on its own schedule: wait for the intake's server span and the job's outcome too.
    await waitFor(
      () =>
        createProfileCall() !== undefined &&
        inTrace().some((s) => s.service === 'onboarding-http' && s.kind === 2) &&
        inTrace().some((s) => s.attributes['onboarding.outcome']),
      30_000,
    ).catch(() => {
      throw new Error(
        `no createprofile span in the trace; got ${receiver.spans.length} spans: ` +
          JSON.stringify(receiver.spans.map((s) => [s.service, s.name, s.traceId === UPSTREAM_TRACE])) +
          ` rejected: ${receiver.rejected.join('; ')}`,
      );
    });

    const spans = inTrace();
    // The HTTP process continued the upstream span: its server span's parent is the upstream's.
    // OTLP's span kinds: 2 server, 3 client, 4 producer.
    const server = spans.find((s) => s.service === 'onboarding-http' && s.kind === 2);
    expect(server?.parentSpanId).toBe(UPSTREAM_SPAN);
    expect(spans.some((s) => s.service === 'onboarding-http' && s.kind === 4)).toBe(true); // the job's producer span

    // The createprofile call sits under the span of the job's attempt, which names the onboarding.
    const call = createProfileCall() as ReceivedSpan;
    const attempt = ancestors(call, spans).find((s) => s.attributes['onboarding.job_id'] !== undefined);
    expect(attempt).toBeDefined();
    expect(attempt?.service).toBe('onboarding-worker');
    expect(attempt?.attributes).toMatchObject({
      'onboarding.business_id': businessId,
      'onboarding.attempt': expect.anything(),
      'onboarding.outcome': 'created',
    });
    expect(spans.some((s) => s.name === 'onboarding.ledger.claim')).toBe(true);

    // Nothing personal and no secret in any span we were sent, in this trace or another.
    const everything = JSON.stringify(receiver.spans);
    for (const value of [...personalValues(payload), TOKEN, SANDBOX_APICODE]) {
      expect({ value, found: everything.includes(value) }).toEqual({ value, found: false });
    }
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./); // no JWT

    // Log lines written inside the job's span carry its trace id.
    await waitFor(() => worker.output.join('').includes('customer created'), 10_000);
    const created = worker.output
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'customer created');
    expect(created?.trace_id).toBe(UPSTREAM_TRACE);
  }, 90_000);

  it('links a replay to the trace of the attempt that dead-lettered the job', async () => {
    const { port } = await startTracedRoles('trace-replay');
    const REJECTED_TRACE = 'a'.repeat(31) + '1';
    // Ropo One rejects every profile for now: the job is dead-lettered ROPO_REJECTED on its first attempt.
    sandbox.setFaults({ errorRates: { '422': 1 } });
    const [businessId] = businessIds(1, 3_200_000) as [string];
    const posted = await fetch(`http://127.0.0.1:${port}/v1/onboardings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
        traceparent: `00-${REJECTED_TRACE}-${UPSTREAM_SPAN}-01`,
      },
      body: JSON.stringify(completePayload(businessId)),
    });
    const { jobId } = (await posted.json()) as { jobId: string };
    const deadLetter = async () =>
      fetch(`http://127.0.0.1:${port}/v1/dead-letters/dl-${jobId}`, {
        headers: { authorization: `Bearer ${OPERATOR}` },
      });
    await waitFor(async () => (await deadLetter()).status === 200, 30_000);
    const { record } = (await (await deadLetter()).json()) as {
      record: { lineage: { traceparent?: string } };
    };
    expect(record.lineage.traceparent).toMatch(new RegExp(`^00-${REJECTED_TRACE}-[0-9a-f]{16}-01$`));

    sandbox.setFaults({});
    const replayed = await fetch(`http://127.0.0.1:${port}/v1/dead-letters/dl-${jobId}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}` },
    });
    expect(replayed.status).toBeLessThan(300);
    const replaySpan = () => receiver.spans.find((s) => s.name === 'onboarding.replay');
    await waitFor(() => {
      const span = replaySpan();
      return (
        span !== undefined &&
        receiver.spans.some(
          (s) =>
            s.traceId === span.traceId &&
            s.service === 'onboarding-worker' &&
            s.attributes['onboarding.outcome'],
        )
      );
    }, 30_000);
    const span = replaySpan() as ReceivedSpan;
    // A new trace, linked to the attempt that dead-lettered the job; the replayed job runs in it.
    expect(span.traceId).not.toBe(REJECTED_TRACE);
    expect(span.links).toContainEqual({
      traceId: REJECTED_TRACE,
      spanId: (record.lineage.traceparent as string).split('-')[2],
    });
    const outcome = receiver.spans.find(
      (s) => s.traceId === span.traceId && s.attributes['onboarding.outcome'],
    );
    expect(outcome?.attributes['onboarding.outcome']).toBe('created');
  }, 90_000);

  it("continues the onboarding's trace into the outcome event's delivery to a webhook sink", async () => {
    let received = 0;
    const sinkServer: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => sinkServer.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sinks-'));
    try {
      const address = sinkServer.address() as { port: number };
      const sinksFile = path.join(dir, 'sinks.json');
      writeFileSync(
        sinksFile,
        JSON.stringify([
          {
            type: 'webhook',
            name: 'crm',
            url: `http://127.0.0.1:${address.port}/hook`,
            secret: 'whsec_' + Buffer.from('s'.repeat(32)).toString('base64'),
          },
        ]),
      );
      const { port } = await startTracedRoles('trace-deliver', { sinksFile });
      // Several at once: their events share the outbox relay's batches, yet each keeps its own trace.
      const traces = ['d1', 'd2', 'd3', 'd4'].map((tag) => tag.padStart(32, 'd'));
      const ids = businessIds(traces.length, 3_300_000);
      const posted = await Promise.all(
        traces.map((traceId, i) =>
          fetch(`http://127.0.0.1:${port}/v1/onboardings`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${TOKEN}`,
              traceparent: `00-${traceId}-${UPSTREAM_SPAN}-01`,
            },
            body: JSON.stringify(completePayload(ids[i] as string)),
          }),
        ),
      );
      expect(posted.map((r) => r.status)).toEqual(traces.map(() => 202));
      const deliveries = () =>
        receiver.spans.filter(
          (s) => s.service === 'onboarding-deliver' && s.attributes['onboarding.delivery.result'],
        );
      await waitFor(() => received >= traces.length && deliveries().length >= traces.length, 45_000);
      const spans = deliveries();
      expect(spans.map((s) => s.attributes['onboarding.business_id']).sort()).toEqual([...ids].sort());
      for (const span of spans) {
        expect(span.attributes).toMatchObject({
          'onboarding.sink': 'crm',
          'onboarding.delivery.result': 'delivered',
          'onboarding.delivery.status': 204,
          'onboarding.attempt': 1,
        });
        // Never in another signup's trace, though the relay moves their events in one batch.
        const owner = traces.indexOf(span.traceId);
        if (owner >= 0) expect(span.attributes['onboarding.business_id']).toBe(ids[owner]);
      }
      // And each continues its own signup's trace: none starts one of its own.
      expect(spans.map((s) => s.traceId).sort()).toEqual([...traces].sort());
    } finally {
      await new Promise((resolve) => sinkServer.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
