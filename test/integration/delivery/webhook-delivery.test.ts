import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Webhook } from 'standardwebhooks';
import { buildEvent, EVENT_TYPES, type OnboardingEvent } from '../../../src/contracts/events';
import { startDelivery, type Delivery } from '../../../src/delivery/delivery-service';
import type { SinkConfig } from '../../../src/delivery/sink-config';
import { createLogger } from '../../../src/logger';
import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createEventPublisher } from '../../../src/queues/event-publisher';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** A receiver that verifies every signature and counts deliveries by webhook-id. */
function startReceiver(secret: string) {
  const webhook = new Webhook(secret);
  const seen = new Map<string, number>();
  const ids: string[] = [];
  let badSignatures = 0;
  let mode: 'ok' | 'error500' = 'ok';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'error500') {
        const id = String(req.headers['webhook-id']);
        ids.push(id);
        res.writeHead(500).end('busy');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = webhook.verify(body, req.headers as Record<string, string>) as OnboardingEvent;
        if (event.id !== req.headers['webhook-id']) throw new Error('id mismatch');
        if (req.headers['content-type'] !== 'application/cloudevents+json; charset=utf-8')
          throw new Error('type');
        ids.push(event.id);
        seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
        res.writeHead(204).end();
      } catch {
        badSignatures += 1;
        res.writeHead(400).end('bad signature');
      }
    });
  });
  return {
    server,
    seen,
    ids,
    badSignatures: () => badSignatures,
    setMode: (m: typeof mode) => void (mode = m),
    async listen(port = 0): Promise<number> {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function events(count: number, from: number): OnboardingEvent[] {
  return Array.from({ length: count }, (_, i) =>
    buildEvent(EVENT_TYPES.created, { jobId: `job-${from + i}`, businessId: `${1000000 + from + i}-0` }),
  );
}

describe('webhook delivery', () => {
  let connection: RedisClient;
  let delivery: Delivery | undefined;
  const receivers: ReturnType<typeof startReceiver>[] = [];
  const logger = createLogger({ level: 'error' });

  beforeEach(() => {
    connection = createRedisConnection(testRedisUrl(), 'worker');
  });
  afterEach(async () => {
    await delivery?.close();
    delivery = undefined;
    for (const r of receivers.splice(0)) await r.close().catch(() => undefined);
    await connection.quit();
  });

  const settings = (overrides: Partial<Parameters<typeof startDelivery>[0]['settings']> = {}) => ({
    concurrency: 10,
    disableAfterMs: 3 * 86_400_000,
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    retentionMs: 3_600_000,
    timeoutMs: 2000,
    ...overrides,
  });

  it('200 outcome events give 200 verified deliveries with 200 distinct webhook-ids', async () => {
    const prefix = testPrefix('deliver');
    const receiver = startReceiver(SECRET);
    receivers.push(receiver);
    const port = await receiver.listen();
    const sinks: SinkConfig[] = [
      { type: 'webhook', name: 'crm', url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
    ];
    delivery = await startDelivery({ connection, prefix, sinks, logger, settings: settings() });
    const publisher = createEventPublisher(connection, prefix);
    const batch = events(200, 0);
    for (const event of batch) await publisher.publish(event);
    // Publishing again (a re-run) must not double a delivery.
    for (const event of batch.slice(0, 50)) await publisher.publish(event);
    await waitFor(() => receiver.seen.size === 200, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    await publisher.close();
    expect(receiver.badSignatures()).toBe(0);
    expect(receiver.seen.size).toBe(200);
    expect([...receiver.seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(batch.map((e) => e.id))).toEqual(new Set(receiver.seen.keys()));
  });

  it('a receiver down for 5 s then answering 500: every event arrives after, with the same webhook-id', async () => {
    const prefix = testPrefix('deliver');
    const receiver = startReceiver(SECRET);
    receivers.push(receiver);
    const port = await receiver.listen();
    const sinks: SinkConfig[] = [
      { type: 'webhook', name: 'billing', url: `http://127.0.0.1:${port}/`, secret: SECRET },
    ];
    delivery = await startDelivery({ connection, prefix, sinks, logger, settings: settings() });
    const publisher = createEventPublisher(connection, prefix);
    const first = events(50, 1000);
    for (const event of first) await publisher.publish(event);
    await waitFor(() => receiver.seen.size === 50, 60_000);

    // Down: the port refuses connections while the next events are published.
    await receiver.close();
    const second = events(50, 2000);
    for (const event of second) await publisher.publish(event);
    await new Promise((r) => setTimeout(r, 5000));
    expect(receiver.seen.size).toBe(50);

    // Back, but answering 500 for a while.
    const back = startReceiver(SECRET);
    receivers.push(back);
    back.setMode('error500');
    await back.listen(port);
    await waitFor(() => new Set(back.ids).size >= 10, 30_000);
    const failedIds = new Set(back.ids);
    back.setMode('ok');
    await waitFor(() => back.seen.size === 50, 60_000);
    await publisher.close();

    expect(back.badSignatures()).toBe(0);
    expect(new Set(back.seen.keys())).toEqual(new Set(second.map((e) => e.id)));
    // Every id that got a 500 arrived later under the same webhook-id.
    for (const id of failedIds) expect(back.seen.get(id)).toBe(1);
    const queue = (await delivery.control.list())[0];
    expect(queue?.counts.failed).toBe(0);
  }, 120_000);

  it('a sink that only ever fails disables itself after SINK_DISABLE_AFTER; the others keep going', async () => {
    const prefix = testPrefix('deliver');
    const receiver = startReceiver(SECRET);
    receivers.push(receiver);
    const port = await receiver.listen();
    const dead = startReceiver(SECRET);
    receivers.push(dead);
    dead.setMode('error500');
    const deadPort = await dead.listen();
    const sinks: SinkConfig[] = [
      { type: 'webhook', name: 'good', url: `http://127.0.0.1:${port}/`, secret: SECRET },
      { type: 'webhook', name: 'broken', url: `http://127.0.0.1:${deadPort}/`, secret: SECRET },
    ];
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    delivery = await startDelivery({
      connection,
      prefix,
      sinks,
      logger: createLogger({ level: 'info', stream }),
      settings: settings({ disableAfterMs: 2000 }),
    });
    const publisher = createEventPublisher(connection, prefix);
    const batch = events(30, 5000);
    for (const event of batch) await publisher.publish(event);
    await waitFor(async () => {
      const broken = (await delivery!.control.list()).find((s) => s.name === 'broken');
      return broken?.enabled === false;
    }, 30_000);
    await waitFor(() => receiver.seen.size === 30, 30_000);
    const [good, broken] = await delivery.control.list();
    expect(good?.enabled).toBe(true);
    expect(broken?.disabledBy).toBe('auto');
    // Disabled, not dropped: all 30 still wait in the broken sink's queue.
    await waitFor(async () => {
      const c = (await delivery!.control.list())[1]!.counts;
      return c.active === 0 && c.waiting + c.delayed === 30;
    }, 30_000);
    const after = (await delivery.control.list())[1]!.counts;
    expect(after.failed + after.completed).toBe(0);

    // An operator fixes the receiver and enables the sink: everything arrives.
    dead.setMode('ok');
    await delivery.control.enable('broken');
    await waitFor(() => dead.seen.size === 30, 60_000);
    expect(dead.badSignatures()).toBe(0);
    await publisher.close();

    // Every log line is one JSON object; one ALERT for the disabled sink; the secret never appears.
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((r) => r.alert === 'SINK_DISABLED' && r.sink === 'broken')).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(SECRET.slice(6));
  }, 120_000);
});
