import { randomBytes } from 'node:crypto';
import { connect as amqpConnect } from 'amqplib';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { buildEvent, EVENT_TYPES, type OnboardingEvent } from '../../../src/contracts/events';
import { startDelivery, type Delivery } from '../../../src/delivery/delivery-service';
import { createLogger } from '../../../src/logger';
import { createRedisConnection } from '../../../src/queues/connection';
import { createEventPublisher } from '../../../src/queues/event-publisher';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';
import { AMQP_URL, NATS_SERVERS } from '../../support/brokers';

const COUNT = 100;

function events(from: number): OnboardingEvent[] {
  return Array.from({ length: COUNT }, (_, i) =>
    buildEvent(EVENT_TYPES.pending, { jobId: `broker-${from + i}`, businessId: `${2000000 + i}-0` }),
  );
}

const settings = {
  concurrency: 10,
  disableAfterMs: 86_400_000,
  backoffBaseMs: 100,
  backoffMaxMs: 1000,
  retentionMs: 3_600_000,
  timeoutMs: 5000,
};

it('RabbitMQ: a queue bound to the exchange sees every event once per event id', async () => {
  const suffix = randomBytes(4).toString('hex');
  const exchange = `onboarding-test-${suffix}`;
  const model = await amqpConnect(AMQP_URL);
  const channel = await model.createChannel();
  const connection = createRedisConnection(testRedisUrl(), 'worker');
  let delivery: Delivery | undefined;
  try {
    await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, 'onboarding.#');
    const seen = new Map<string, number>();
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      const event = JSON.parse(msg.content.toString()) as OnboardingEvent;
      expect(msg.properties.messageId).toBe(event.id);
      expect(msg.fields.routingKey).toBe(event.type);
      seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
      channel.ack(msg);
    });
    const prefix = testPrefix('amqp');
    delivery = await startDelivery({
      connection,
      prefix,
      sinks: [{ type: 'amqp', name: 'rabbit', url: AMQP_URL, exchange }],
      logger: createLogger({ level: 'error' }),
      settings,
    });
    const publisher = createEventPublisher(connection, prefix);
    const batch = events(0);
    for (const event of batch) await publisher.publish(event);
    for (const event of batch.slice(0, 20)) await publisher.publish(event);
    await publisher.close();
    await waitFor(() => seen.size === COUNT, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(new Set(seen.keys())).toEqual(new Set(batch.map((e) => e.id)));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await delivery?.close();
    await channel.deleteExchange(exchange).catch(() => undefined);
    await model.close();
    await connection.quit();
  }
}, 90_000);

it('NATS JetStream: a consumer on the subject sees every event once per event id', async () => {
  const stream = `onboarding_test_${randomBytes(4).toString('hex')}`;
  const subject = `${stream}.events`;
  const nc = await natsConnect({ servers: NATS_SERVERS });
  const jsm = await jetstreamManager(nc);
  const connection = createRedisConnection(testRedisUrl(), 'worker');
  let delivery: Delivery | undefined;
  try {
    await jsm.streams.add({ name: stream, subjects: [subject], duplicate_window: 120_000_000_000 });
    await jsm.consumers.add(stream, { durable_name: 'test', ack_policy: AckPolicy.Explicit });
    const prefix = testPrefix('nats');
    delivery = await startDelivery({
      connection,
      prefix,
      sinks: [{ type: 'nats', name: 'nats', servers: [NATS_SERVERS], subject }],
      logger: createLogger({ level: 'error' }),
      settings,
    });
    const publisher = createEventPublisher(connection, prefix);
    const batch = events(500);
    for (const event of batch) await publisher.publish(event);
    await publisher.close();

    const consumer = await jetstream(nc).consumers.get(stream, 'test');
    const seen = new Map<string, number>();
    const deadline = Date.now() + 60_000;
    while (seen.size < COUNT && Date.now() < deadline) {
      const messages = await consumer.fetch({ max_messages: 50, expires: 1000 });
      for await (const m of messages) {
        const event = m.json<OnboardingEvent>();
        expect(m.headers?.get('Nats-Msg-Id')).toBe(event.id);
        seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
        m.ack();
      }
    }
    expect(new Set(seen.keys())).toEqual(new Set(batch.map((e) => e.id)));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect((await jsm.streams.info(stream)).state.messages).toBe(COUNT);
  } finally {
    await delivery?.close();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
    await connection.quit();
  }
}, 90_000);
