import { randomBytes } from 'node:crypto';
import { connect as amqpConnect } from 'amqplib';
import { buildEvent, EVENT_TYPES } from '../../../src/contracts/events';
import { createAmqpTransport } from '../../../src/delivery/amqp-transport';
import { SinkDeliveryError } from '../../../src/delivery/sink-delivery-error';
import { AMQP_URL } from '../../support/brokers';

// RabbitMQ confirms a message that no queue is bound for and drops it: reporting that as delivered
// would lose the outcome event silently.
it('RabbitMQ sink: an event no queue is bound for fails its attempt; once a queue is bound it is delivered', async () => {
  const exchange = `onboarding-unroutable-${randomBytes(4).toString('hex')}`;
  const model = await amqpConnect(AMQP_URL);
  const channel = await model.createChannel();
  const transport = createAmqpTransport(
    { type: 'amqp', name: 'rabbit', url: AMQP_URL, exchange },
    { timeoutMs: 5000 },
  );
  try {
    await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    const event = buildEvent(EVENT_TYPES.created, { jobId: 'unroutable-1', businessId: '2000000-8' });

    const refused = await transport.send(event).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SinkDeliveryError);
    expect((refused as Error).message).toContain(
      `unroutable: no queue is bound to ${exchange} for ${event.type}`,
    );

    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, 'onboarding.#');
    await expect(transport.send(event)).resolves.toEqual({ answer: 'confirmed' });
    const got = await channel.get(queue, { noAck: true });
    expect(got && got.properties.messageId).toBe(event.id);
    // The refused attempt left nothing behind: exactly one copy reached the queue.
    expect(await channel.get(queue, { noAck: true })).toBe(false);
  } finally {
    await transport.close();
    await channel.deleteExchange(exchange).catch(() => undefined);
    await model.close();
  }
}, 30_000);
