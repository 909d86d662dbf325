import type { Channel, ConsumeMessage } from 'amqplib';

/** Acks a channel's stored messages in runs: one `ack(…, allUpTo)` frame for many deliveries. */
export interface AckRuns {
  /** Records a delivery; call in delivery order (the broker's delivery tags only grow). */
  received(message: ConsumeMessage): void;
  /** The message is stored: it will be acked with the next run. */
  stored(message: ConsumeMessage): void;
  /** The message was settled on its own (nacked): a run may ack past it. Never for one left unsettled. */
  dropped(message: ConsumeMessage): void;
  /**
   * Acks every stored message not yet acked: the contiguous run at once, the ones behind a
   * message still unsettled one by one. For stop(), before the channel closes.
   */
  flushAll(): void;
}

/**
 * `ack(m, true)` acks every unacked delivery up to m's tag on the channel, so it is sent only for a
 * run whose every lower tag is already settled (acked, or nacked on its own). A delivery still being
 * stored stops the run: the stored ones behind it wait for it, so nothing unstored is ever acked.
 * Runs are sent once per macrotask, after the batch that stored them resolved all its messages.
 */
export function createAckRuns(channel: Channel): AckRuns {
  // Deliveries not yet acked, in tag order, each still being stored, stored, or settled elsewhere.
  interface Entry {
    message: ConsumeMessage;
    state: 'pending' | 'stored' | 'dropped';
  }
  const open: Entry[] = [];
  const byTag = new Map<number, Entry>();
  let scheduled = false;

  const ackRun = () => {
    scheduled = false;
    let last: ConsumeMessage | undefined;
    while (open.length > 0 && open[0]?.state !== 'pending') {
      const entry = open.shift() as Entry;
      byTag.delete(entry.message.fields.deliveryTag);
      if (entry.state === 'stored') last = entry.message;
    }
    if (!last) return;
    try {
      channel.ack(last, true);
    } catch {
      // The channel is closed: the broker requeues every unacked delivery and the stable ids
      // collapse the redeliveries, so there is nothing left to do here (and no caller to tell).
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(ackRun);
  };
  const settle = (message: ConsumeMessage, state: 'stored' | 'dropped') => {
    const entry = byTag.get(message.fields.deliveryTag);
    if (!entry) return;
    entry.state = state;
    if (entry === open[0]) schedule();
  };

  return {
    received(message) {
      const entry: Entry = { message, state: 'pending' };
      open.push(entry);
      byTag.set(message.fields.deliveryTag, entry);
    },
    stored: (message) => settle(message, 'stored'),
    dropped: (message) => settle(message, 'dropped'),
    flushAll() {
      ackRun();
      for (const entry of open.splice(0)) if (entry.state === 'stored') channel.ack(entry.message);
      byTag.clear();
    },
  };
}
