import { connect, type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import type { OnboardingEvent } from '../contracts/events';
import type { AmqpSinkConfig } from './sink-config';
import { SinkDeliveryError } from './sink-delivery-error';
import { describeError, type SinkTransport } from './sink-transport';
import { CLOUDEVENTS_JSON } from './webhook-transport';

interface Open {
  model: ChannelModel;
  channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable; each is read (and dropped) by its publish's confirm. */
  returned: Set<string>;
}

/**
 * Publishes to a RabbitMQ exchange on a confirm channel: an attempt succeeds only when the broker
 * confirmed the message. Routing key = event type, messageId = event id (consumers dedupe on it).
 * Published `mandatory`: the broker confirms a message no queue is bound for, and drops it, so its
 * return (sent before that confirm) fails the attempt instead; the event is retried, then kept as
 * the sink's dead letter, never reported delivered.
 * The exchange must exist (the operator owns the topology); a lost connection is reopened on the
 * next attempt.
 */
export function createAmqpTransport(sink: AmqpSinkConfig, options: { timeoutMs: number }): SinkTransport {
  let open: Promise<Open> | undefined;

  const reset = (stale: Promise<Open>) => {
    if (open === stale) open = undefined;
  };

  const connectOnce = (): Promise<Open> => {
    if (open) return open;
    const attempt = (async () => {
      const model = await connect(sink.url);
      try {
        const channel = await model.createConfirmChannel();
        await channel.checkExchange(sink.exchange);
        const returned = new Set<string>();
        channel.on('return', (message: Message) => {
          if (typeof message.properties.messageId === 'string') returned.add(message.properties.messageId);
        });
        return { model, channel, returned };
      } catch (error) {
        await model.close().catch(() => undefined);
        throw error;
      }
    })();
    open = attempt;
    attempt.then(
      ({ model, channel }) => {
        const drop = () => reset(attempt);
        model.on('close', drop);
        model.on('error', drop);
        channel.on('close', drop);
        channel.on('error', drop);
      },
      () => reset(attempt),
    );
    return attempt;
  };

  return {
    async send(event: OnboardingEvent) {
      let channel: ConfirmChannel;
      let returned: Set<string>;
      try {
        ({ channel, returned } = await connectOnce());
      } catch (error) {
        throw new SinkDeliveryError(`cannot open ${sink.exchange}: ${describeError(error)}`);
      }
      try {
        await new Promise<void>((resolve, reject) => {
          // A broker that never confirms must not hold the job: the attempt fails and is retried.
          const timer = setTimeout(
            () => reject(new Error(`no confirm in ${options.timeoutMs} ms`)),
            options.timeoutMs,
          );
          channel.publish(
            sink.exchange,
            event.type,
            Buffer.from(JSON.stringify(event)),
            {
              messageId: event.id,
              type: event.type,
              contentType: CLOUDEVENTS_JSON,
              timestamp: Math.floor(Date.parse(event.time) / 1000),
              persistent: true,
              mandatory: true,
            },
            (error: unknown) => {
              clearTimeout(timer);
              if (error) reject(error);
              else if (returned.delete(event.id)) {
                reject(new Error(`unroutable: no queue is bound to ${sink.exchange} for ${event.type}`));
              } else resolve();
            },
          );
        });
      } catch (error) {
        throw new SinkDeliveryError(`not confirmed by the broker: ${describeError(error)}`);
      }
      return { answer: 'confirmed' };
    },
    async close() {
      const current = open;
      open = undefined;
      if (!current) return;
      const opened = await current.catch(() => undefined);
      await opened?.model.close().catch(() => undefined);
    },
  };
}
