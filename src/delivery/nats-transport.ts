import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { OnboardingEvent } from '../contracts/events';
import type { NatsSinkConfig } from './sink-config';
import { SinkDeliveryError } from './sink-delivery-error';
import { describeError, type SinkTransport } from './sink-transport';

/**
 * Publishes to a JetStream subject with `Nats-Msg-Id` = event id: the stream's duplicate window
 * drops a retry whose first try did arrive. An attempt succeeds when the stream acknowledged it.
 */
export function createNatsTransport(sink: NatsSinkConfig, options: { timeoutMs: number }): SinkTransport {
  let open: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;

  const connectOnce = () => {
    if (open) return open;
    const attempt = (async () => {
      // The client reconnects by itself once connected; only the first connection is ours to retry.
      const nc = await connect({
        servers: sink.servers,
        timeout: options.timeoutMs,
        maxReconnectAttempts: -1,
      });
      return { nc, js: jetstream(nc, { timeout: options.timeoutMs }) };
    })();
    open = attempt;
    attempt.then(
      ({ nc }) =>
        void nc.closed().then(() => {
          if (open === attempt) open = undefined;
        }),
      () => {
        if (open === attempt) open = undefined;
      },
    );
    return attempt;
  };

  return {
    async send(event: OnboardingEvent) {
      try {
        const { js } = await connectOnce();
        const ack = await js.publish(sink.subject, JSON.stringify(event), { msgID: event.id });
        return { answer: `stream ${ack.stream} seq ${ack.seq}${ack.duplicate ? ' duplicate' : ''}` };
      } catch (error) {
        throw new SinkDeliveryError(`not acknowledged by JetStream: ${describeError(error)}`);
      }
    },
    async close() {
      const current = open;
      open = undefined;
      const opened = await current?.catch(() => undefined);
      await opened?.nc.drain().catch(() => undefined);
    },
  };
}
