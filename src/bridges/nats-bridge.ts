import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '../logger';
import { BridgeStoppedError, type BridgeCore } from './bridge-core';

// How long a message handed back on stop waits before JetStream redelivers it (see the nak below).
const STOP_NAK_DELAY_MS = 2000;

/** Options of {@link startNatsBridge}. */
export interface NatsBridgeOptions {
  servers: string[];
  stream: string;
  consumer: string;
  subject: string;
  /** The most messages held unacked at once. */
  prefetch: number;
  core: BridgeCore;
  logger: Logger;
}

/** A running NATS bridge. */
export interface NatsBridge {
  /** Stops pulling and closes; messages not stored are nak'd, so JetStream redelivers them at once. */
  stop(): Promise<void>;
}

/**
 * A durable pull consumer with explicit acks: a message is acked only after its job (or dead letter)
 * is stored. The id is the `Nats-Msg-Id` header, else the CloudEvent's source+id, else a body hash.
 */
export async function startNatsBridge(options: NatsBridgeOptions): Promise<NatsBridge> {
  const { core, logger } = options;
  const nc = await connect({ servers: options.servers });
  const jsm = await jetstreamManager(nc);
  // The durable consumer outlives this process: another bridge instance, or the next run, resumes it.
  await jsm.consumers.add(options.stream, {
    durable_name: options.consumer,
    ack_policy: AckPolicy.Explicit,
    filter_subject: options.subject,
    max_ack_pending: Math.max(options.prefetch * 4, 1000),
    ack_wait: 30_000_000_000,
  });
  const consumer = await jetstream(nc).consumers.get(options.stream, options.consumer);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: options.prefetch });
  const inFlight = new Set<Promise<void>>();
  // Wakes the pull loop when a message settles and it waits for room in the window. One waiter,
  // where Promise.race over the window attached a reaction to every message held, on every wait.
  let room: (() => void) | undefined;
  let stopping = false;
  // nats.js flushes its buffer a microtask after the first write, and a batch's messages settle
  // over several microtasks, so acks sent as each settles leave in a few writes: gathered for the
  // rest of the macrotask, a batch's acks leave in one.
  let toAck: JsMsg[] = [];
  let ackScheduled = false;
  const ackGathered = () => {
    ackScheduled = false;
    const gathered = toAck;
    toAck = [];
    try {
      for (const message of gathered) message.ack();
    } catch (error) {
      // The connection is gone: JetStream redelivers after ack_wait and the stable ids collapse it.
      logger.error('NATS acks not sent', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const ackSoon = (message: JsMsg) => {
    toAck.push(message);
    if (ackScheduled) return;
    ackScheduled = true;
    setImmediate(ackGathered);
  };
  const handle = (message: JsMsg) => {
    const id = message.headers?.get('Nats-Msg-Id') || undefined;
    const trace = {
      traceparent: message.headers?.get('traceparent') || undefined,
      tracestate: message.headers?.get('tracestate') || undefined,
    };
    const work = core
      .handle(Buffer.from(message.data), id, trace)
      .then(() => ackSoon(message))
      .catch((error: unknown) => {
        // Stopped before it was stored: handed back, not left to ack_wait. The delay outlasts close():
        // redelivered at once, JetStream may hand it to this connection's pull request, still open on
        // the server, and it would then wait out ack_wait after all.
        if (error instanceof BridgeStoppedError) {
          message.nak(STOP_NAK_DELAY_MS);
          return;
        }
        logger.error('NATS message not stored', {
          error: error instanceof Error ? error.message : String(error),
        });
        message.nak(1000);
      })
      .finally(() => {
        inFlight.delete(work);
        room?.();
      });
    inFlight.add(work);
    return work;
  };
  const loop = (async () => {
    for await (const message of messages) {
      // Handed back at once rather than left to ack_wait, so another bridge takes it without delay.
      if (stopping) {
        message.nak();
        continue;
      }
      void handle(message);
      // Hold at most `prefetch` unacked: while Redis is down they stay pending and no more are read.
      while (inFlight.size >= options.prefetch) {
        await new Promise<void>((resolve) => (room = resolve));
        room = undefined;
      }
    }
  })();
  logger.info('NATS bridge consuming', { stream: options.stream, consumer: options.consumer });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      messages.stop();
      core.stop();
      await Promise.allSettled([...inFlight, loop]);
      ackGathered();
      // Acks are buffered writes: close() alone can drop the last ones, leaving stored messages unacked.
      await nc.flush().catch(() => undefined);
      await nc.close();
    },
  };
}
