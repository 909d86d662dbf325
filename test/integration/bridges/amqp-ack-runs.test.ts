import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { connect as amqpConnect } from 'amqplib';
import { startAmqpBridge } from '../../../src/bridges/amqp-bridge';
import { BridgeStoppedError, type BridgeCore } from '../../../src/bridges/bridge-core';
import { createLogger } from '../../../src/logger';
import { waitFor } from '../../support/wait-for';
import { AMQP_URL } from '../../support/brokers';

jest.setTimeout(30_000);

const silent = createLogger({
  level: 'error',
  stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

// The bridge acks stored messages in runs (`ack(…, allUpTo)`); a run must never reach past a
// message still being stored, and stop() must still ack the stored ones behind it.
describe('AMQP bridge acks in runs', () => {
  it('never acks past a message still being stored, and acks the stored ones behind it on stop', async () => {
    const queue = `test-ack-runs-${randomBytes(4).toString('hex')}`;
    const amqp = await amqpConnect(AMQP_URL);
    let bridge: { stop(): Promise<void> } | undefined;
    try {
      const channel = await amqp.createConfirmChannel();
      await channel.assertQueue(queue, { durable: true });
      for (let i = 0; i < 10; i++)
        channel.sendToQueue(queue, Buffer.from('{}'), { persistent: true, messageId: `m-${i}` });
      await channel.waitForConfirms();

      // m-3 is held until stop(), as if Redis were slow for it; every other message is stored at once.
      const stored = new Set<string>();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const core: BridgeCore = {
        async handle(_body, id) {
          if (id === 'm-3') {
            await held;
            throw new BridgeStoppedError();
          }
          stored.add(id as string);
          return 'stored';
        },
        stop: () => release(),
      };
      bridge = await startAmqpBridge({ url: AMQP_URL, queue, prefetch: 20, core, logger: silent });
      await waitFor(() => stored.size === 9);
      // Time for any run of acks to go out (they leave on the next macrotask).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await bridge.stop();
      bridge = undefined;

      // Only the message that was never stored is back on the queue.
      await waitFor(async () => (await channel.checkQueue(queue)).messageCount > 0);
      const back = await channel.get(queue, { noAck: true });
      expect(back === false ? undefined : back.properties.messageId).toBe('m-3');
      expect((await channel.checkQueue(queue)).messageCount).toBe(0);
      await channel.deleteQueue(queue);
    } finally {
      await bridge?.stop();
      await amqp.close();
    }
  });
});
