import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as natsConnect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as amqpConnect } from 'amqplib';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox, type Sandbox } from '../../../src/sandbox';
import { startRole, stopRole } from '../../support/cli-role';
import { freePort } from '../../support/free-port';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { businessIds, minimalPayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';
import { AMQP_URL, NATS_SERVERS } from '../../support/brokers';

const UPSTREAM_SPAN = '00f067aa0ba902b7';
// One upstream trace per way of carrying it.
const AMQP_HEADER_TRACE = 'b'.repeat(31) + '1';
const NATS_HEADER_TRACE = 'b'.repeat(31) + '2';
const CLOUDEVENT_TRACE = 'b'.repeat(31) + '3';
const HTTP_CLOUDEVENT_TRACE = 'b'.repeat(31) + '4';
const TOKEN = 'bridge-trace-intake-token';
const traceparent = (traceId: string) => `00-${traceId}-${UPSTREAM_SPAN}-01`;

describe('tracing through the broker bridges', () => {
  let receiver: OtlpReceiver;
  let sandbox: Sandbox;
  const children: ChildProcess[] = [];
  const suffix = randomBytes(4).toString('hex');
  const amqpQueue = `test-bridge-trace-${suffix}`;
  const stream = `TEST_BRIDGE_TRACE_${suffix}`;
  const subject = `test.trace.${suffix}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await Promise.all(children.map(stopRole));
    const amqp = await amqpConnect(AMQP_URL);
    const channel = await amqp.createChannel();
    await channel.deleteQueue(amqpQueue).catch(() => undefined);
    await amqp.close();
    const nc = await natsConnect({ servers: NATS_SERVERS });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    await sandbox.close();
    await receiver.close();
  });

  it("continues the publisher's trace from AMQP headers, NATS headers and a CloudEvent's traceparent (broker and HTTP) into the worker", async () => {
    const nc = await natsConnect({ servers: NATS_SERVERS });
    const amqp = await amqpConnect(AMQP_URL);
    try {
      await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [subject] });
      const port = await freePort();
      const env = {
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        INTAKE_TOKENS: TOKEN,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: testPrefix('bridge-trace'),
        ROPO_BASE_URL: sandbox.baseUrl,
        ROPO_CID: SANDBOX_CID,
        ROPO_APICODE: SANDBOX_APICODE,
        AMQP_URL,
        AMQP_QUEUE: amqpQueue,
        NATS_SERVERS,
        NATS_STREAM: stream,
        NATS_SUBJECT: subject,
        NATS_CONSUMER: 'trace-bridge',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      };
      const roles = [
        { ...startRole(['worker'], env), ready: 'worker ready' },
        { ...startRole(['bridge', 'amqp'], env), ready: 'bridge ready' },
        { ...startRole(['bridge', 'nats'], env), ready: 'bridge ready' },
        { ...startRole(['serve'], env), ready: 'http ready' },
      ];
      children.push(...roles.map((r) => r.child));
      for (const role of roles) await waitFor(() => role.output.join('').includes(role.ready), 60_000);

      const [a, b, c, d] = businessIds(4, 3_500_000) as [string, string, string, string];
      const channel = await amqp.createConfirmChannel();
      channel.sendToQueue(amqpQueue, Buffer.from(JSON.stringify(minimalPayload(a))), {
        persistent: true,
        messageId: `trace-a-${suffix}`,
        headers: { traceparent: traceparent(AMQP_HEADER_TRACE) },
      });
      // No transport header: the trace rides in the CloudEvent (distributed-tracing extension).
      const cloudEvent = {
        specversion: '1.0',
        id: `trace-c-${suffix}`,
        source: '/crm',
        type: 'onboarding.customer.requested',
        traceparent: traceparent(CLOUDEVENT_TRACE),
        data: minimalPayload(c),
      };
      channel.sendToQueue(amqpQueue, Buffer.from(JSON.stringify(cloudEvent)), { persistent: true });
      await channel.waitForConfirms();
      await channel.close();
      const h = natsHeaders();
      h.set('traceparent', traceparent(NATS_HEADER_TRACE));
      await jetstream(nc).publish(subject, JSON.stringify(minimalPayload(b)), {
        msgID: `trace-b-${suffix}`,
        headers: h,
      });

      // Over HTTP the CloudEvent's own traceparent wins over the request's (which has none here).
      const posted = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          ...cloudEvent,
          id: `trace-d-${suffix}`,
          traceparent: traceparent(HTTP_CLOUDEVENT_TRACE),
          data: minimalPayload(d),
        }),
      });
      expect(posted.status).toBe(202);

      const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
      const bridgeSpan = (traceId: string) =>
        inTrace(traceId).find((s) => s.service === 'onboarding-bridge' && s.kind === 5);
      const createProfile = (traceId: string) =>
        inTrace(traceId).find(
          (s) =>
            s.service === 'onboarding-worker' &&
            s.kind === 3 &&
            JSON.stringify(s.attributes).includes('/profile/createprofile'),
        );
      const httpEventSpan = (traceId: string) =>
        inTrace(traceId).find((s) => s.service === 'onboarding-http' && s.name === 'process cloudevent');
      const traces = [AMQP_HEADER_TRACE, NATS_HEADER_TRACE, CLOUDEVENT_TRACE];
      await waitFor(
        () =>
          httpEventSpan(HTTP_CLOUDEVENT_TRACE) !== undefined &&
          createProfile(HTTP_CLOUDEVENT_TRACE) !== undefined &&
          traces.every(
            (t) =>
              bridgeSpan(t) !== undefined &&
              createProfile(t) !== undefined &&
              inTrace(t).some((s) => s.attributes['onboarding.outcome'] !== undefined),
          ),
        60_000,
      ).catch(() => {
        throw new Error(
          `traces incomplete; got ${receiver.spans.length} spans: ` +
            JSON.stringify(receiver.spans.map((s) => [s.service, s.name, s.kind, s.traceId.slice(-2)])),
        );
      });
      for (const traceId of traces) {
        const consumer = bridgeSpan(traceId) as ReceivedSpan;
        // The bridge's span is the publisher's child, and names the job it stored.
        expect(consumer.parentSpanId).toBe(UPSTREAM_SPAN);
        expect(consumer.attributes).toMatchObject({
          'messaging.operation.type': 'process',
          'onboarding.bridge.outcome': 'stored',
          'onboarding.job_id': expect.stringMatching(/^ev[th]-/),
        });
        // The worker's attempt continues it directly, even when the job was stored in a batch.
        expect(
          inTrace(traceId).some(
            (s) => s.service === 'onboarding-worker' && s.parentSpanId === consumer.spanId,
          ),
        ).toBe(true);
        expect(
          inTrace(traceId).some(
            (s) => s.service === 'onboarding-worker' && s.attributes['onboarding.outcome'],
          ),
        ).toBe(true);
      }
      expect(httpEventSpan(HTTP_CLOUDEVENT_TRACE)?.parentSpanId).toBe(UPSTREAM_SPAN);
      expect(bridgeSpan(AMQP_HEADER_TRACE)?.attributes['messaging.system']).toBe('rabbitmq');
      expect(bridgeSpan(NATS_HEADER_TRACE)?.attributes['messaging.system']).toBe('nats');
    } finally {
      await amqp.close();
      await nc.close();
    }
  }, 150_000);
});
