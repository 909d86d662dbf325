import { createAmqpTransport } from './amqp-transport';
import { createNatsTransport } from './nats-transport';
import type { SinkConfig } from './sink-config';
import type { SinkTransport } from './sink-transport';
import { createWebhookTransport } from './webhook-transport';

/** The transport for a sink's type. */
export function createTransport(sink: SinkConfig, options: { timeoutMs: number }): SinkTransport {
  switch (sink.type) {
    case 'webhook':
      return createWebhookTransport(sink, options);
    case 'amqp':
      return createAmqpTransport(sink, options);
    case 'nats':
      return createNatsTransport(sink, options);
  }
}
