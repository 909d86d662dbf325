import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { BridgeCore, BridgeOutcome } from '../../../src/bridges/bridge-core';
import { startNatsBridge } from '../../../src/bridges/nats-bridge';
import { createLogger } from '../../../src/logger';
import { NATS_SERVERS } from '../../support/brokers';
import { waitFor } from '../../support/wait-for';

const PREFETCH = 10;
const MESSAGES = 35;

describe('bridge nats prefetch window', () => {
  it('holds at most NATS_PREFETCH messages unstored, and pulls on as each one is stored', async () => {
    const suffix = randomBytes(4).toString('hex');
    const stream = `TEST_BRIDGE_WINDOW_${suffix}`;
    const subject = `test.window.${suffix}`;
    const nc = await natsConnect({ servers: NATS_SERVERS });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    // A core whose stores finish only when the test says: what the bridge holds is what it was given.
    const held: (() => void)[] = [];
    let handled = 0;
    const core: BridgeCore = {
      handle: () =>
        new Promise<BridgeOutcome>((resolve) => {
          handled += 1;
          held.push(() => resolve('stored'));
        }),
      stop: () => undefined,
    };
    const logger = createLogger({
      stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    });
    const bridge = await startNatsBridge({
      servers: [NATS_SERVERS],
      stream,
      consumer: 'window',
      subject,
      prefetch: PREFETCH,
      core,
      logger,
    });
    try {
      const js = jetstream(nc);
      for (let i = 0; i < MESSAGES; i++) await js.publish(subject, Buffer.from('{}'), { msgID: `w-${i}` });
      await waitFor(() => handled === PREFETCH, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handled).toBe(PREFETCH); // the window is full: nothing more is taken
      // Store them a few at a time: each one stored lets exactly one more in.
      for (let stored = 0; stored < MESSAGES;) {
        const batch = held.splice(0, 3);
        for (const store of batch) store();
        stored += batch.length;
        await waitFor(() => handled === Math.min(MESSAGES, stored + PREFETCH), 10_000);
        expect(handled - stored).toBeLessThanOrEqual(PREFETCH);
      }
      await waitFor(
        async () => (await jsm.consumers.info(stream, 'window')).ack_floor.stream_seq === MESSAGES,
        10_000,
      );
    } finally {
      for (const store of held.splice(0)) store();
      await bridge.stop();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});
