import { connect, type ConsumeMessage } from 'amqplib';
import type { Logger } from '../logger';
import { headerText } from '../telemetry/message-context';
import { createAckRuns } from './amqp-ack-runs';
import { BridgeStoppedError, type BridgeCore } from './bridge-core';

/** Options of {@link startAmqpBridge}. */
export interface AmqpBridgeOptions {
  url: string;
  queue: string;
  prefetch: number;
  core: BridgeCore;
  logger: Logger;
  /** Called when the broker connection ends without stop(): the process should exit and be restarted. */
  onLost?: (error: Error) => void;
}

/** A running AMQP bridge. */
export interface AmqpBridge {
  /** Stops consuming and closes the channel: every unacked message goes back to the queue. */
  stop(): Promise<void>;
}

/**
 * Consumes `queue` with manual acks: a message is acked only after its job (or dead letter) is
 * stored, so a crash at any moment leaves it with the broker, which redelivers it; the stable id
 * (AMQP messageId, else the CloudEvent's source+id, else a hash of the body) collapses the redelivery.
 */
export async function startAmqpBridge(options: AmqpBridgeOptions): Promise<AmqpBridge> {
  const { core, logger } = options;
  const model = await connect(options.url);
  let stopping = false;
  model.on('error', (error: Error) => logger.error('AMQP connection error', { error: error.message }));
  model.on('close', () => {
    if (!stopping) options.onLost?.(new Error('the AMQP connection closed'));
  });
  const channel = await model.createChannel();
  channel.on('error', (error: Error) => logger.error('AMQP channel error', { error: error.message }));
  await channel.assertQueue(options.queue, { durable: true });
  // The prefetch window is the most this bridge holds unacked; while Redis is down it fills and
  // the broker sends nothing more.
  await channel.prefetch(options.prefetch);
  const inFlight = new Set<Promise<void>>();
  // One ack frame per run of stored messages rather than one per message (see amqp-ack-runs.ts).
  const acks = createAckRuns(channel);

  const onMessage = (message: ConsumeMessage | null) => {
    if (message === null) {
      if (!stopping) options.onLost?.(new Error('the AMQP queue cancelled the consumer'));
      return;
    }
    const id =
      typeof message.properties.messageId === 'string' && message.properties.messageId !== ''
        ? message.properties.messageId
        : undefined;
    const headers = message.properties.headers ?? {};
    const trace = {
      traceparent: headerText(headers.traceparent),
      tracestate: headerText(headers.tracestate),
    };
    acks.received(message);
    const work = core
      .handle(message.content, id, trace)
      .then(() => acks.stored(message))
      .catch((error: unknown) => {
        // Not stored: leave it unacked; closing the channel hands it back to the broker.
        if (!(error instanceof BridgeStoppedError)) {
          logger.error('AMQP message not stored', {
            error: error instanceof Error ? error.message : String(error),
          });
          if (!stopping) {
            channel.nack(message, false, true);
            acks.dropped(message);
          }
        }
        // Otherwise it stays open, so no run acks past it: the channel's close hands it back.
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };
  const { consumerTag } = await channel.consume(options.queue, onMessage, { noAck: false });
  logger.info('AMQP bridge consuming', { queue: options.queue, prefetch: options.prefetch });

  return {
    async stop() {
      if (stopping) return;
      await channel.cancel(consumerTag).catch(() => undefined);
      // Stored messages are acked before the channel closes; the rest go back unacked.
      core.stop();
      stopping = true;
      await Promise.allSettled([...inFlight]);
      acks.flushAll();
      await channel.close().catch(() => undefined);
      await model.close().catch(() => undefined);
    },
  };
}
