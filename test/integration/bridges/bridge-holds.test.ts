import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { connect as amqpConnect, type ChannelModel } from 'amqplib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startAmqpBridge } from '../../../src/bridges/amqp-bridge';
import { createBridgeCore, type BridgeCore } from '../../../src/bridges/bridge-core';
import { startNatsBridge } from '../../../src/bridges/nats-bridge';
import { createLogger } from '../../../src/logger';
import { createMetricsRegistry } from '../../../src/pipeline/prometheus-observer';
import { createBacklogProbe } from '../../../src/queues/backlog-probe';
import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createDeadLetterWriter } from '../../../src/queues/dead-letter-queue';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { spawnRedisServer, type TestRedis } from '../../support/redis-server';
import { waitFor } from '../../support/wait-for';
import { AMQP_URL, NATS_SERVERS } from '../../support/brokers';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');
const MESSAGES = 20;
// JetStream's redelivery of an unacked message without a nak (the bridge's consumer ack_wait).
const ACK_WAIT_MS = 30_000;

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One broker with its own queue or stream, seen the way the test needs it. */
interface Broker {
  publish(messages: { body: Buffer; id: string }[]): Promise<void>;
  start(core: BridgeCore): Promise<{ stop(): Promise<void> }>;
  /** Messages the broker still holds for the bridge (ready, or delivered and not acked), once no bridge runs. */
  held(): Promise<number>;
  /** The variables `onboarding bridge <name>` reads for this queue or stream. */
  env: Record<string, string>;
  close(): Promise<void>;
}

async function amqpBroker(logLines: string[]): Promise<Broker> {
  const queue = `test-bridge-holds-${randomBytes(4).toString('hex')}`;
  const amqp: ChannelModel = await amqpConnect(AMQP_URL);
  const channel = await amqp.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  return {
    async publish(messages) {
      for (const m of messages) channel.sendToQueue(queue, m.body, { persistent: true, messageId: m.id });
      await channel.waitForConfirms();
    },
    start: (core) => startAmqpBridge({ url: AMQP_URL, queue, prefetch: 50, core, logger: logger(logLines) }),
    // With no consumer, whatever was delivered and not acked is back in the ready count.
    held: async () => (await channel.checkQueue(queue)).messageCount,
    env: { AMQP_URL, AMQP_QUEUE: queue, AMQP_PREFETCH: '50' },
    async close() {
      await channel.deleteQueue(queue).catch(() => undefined);
      await amqp.close();
    },
  };
}

async function natsBroker(logLines: string[]): Promise<Broker> {
  const suffix = randomBytes(4).toString('hex');
  const stream = `TEST_BRIDGE_HOLDS_${suffix}`;
  const subject = `test.holds.${suffix}`;
  const nc: NatsConnection = await natsConnect({ servers: NATS_SERVERS });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] });
  return {
    async publish(messages) {
      const js = jetstream(nc);
      for (const m of messages) await js.publish(subject, m.body, { msgID: m.id });
    },
    start: (core) =>
      startNatsBridge({
        servers: [NATS_SERVERS],
        stream,
        consumer: 'holds',
        subject,
        prefetch: 50,
        core,
        logger: logger(logLines),
      }),
    // Messages past the consumer's ack floor: not acked (pending and nak'd ones overlap in the counts).
    async held() {
      const [info, state] = await Promise.all([
        jsm.consumers.info(stream, 'holds'),
        jsm.streams.info(stream),
      ]);
      return state.state.last_seq - info.ack_floor.stream_seq;
    },
    env: {
      NATS_SERVERS,
      NATS_STREAM: stream,
      NATS_CONSUMER: 'holds',
      NATS_SUBJECT: subject,
      NATS_PREFETCH: '50',
    },
    async close() {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

function logger(lines: string[]) {
  return createLogger({
    level: 'info',
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
}

/** Redis, the bridge's Redis side and the onboarding queue, on a Redis of the test's own (it changes maxmemory). */
async function redisSide(bridge: 'amqp' | 'nats', maxBacklog: number, logLines: string[]) {
  const redis: TestRedis = await spawnRedisServer();
  const connection: RedisClient = createRedisConnection(redis.url, 'producer');
  connection.on('error', () => undefined);
  const admin = new Redis(redis.url);
  const prefix = `holds${randomBytes(3).toString('hex')}`;
  const producer = createOnboardingProducer({ connection, prefix });
  const deadLetters = createDeadLetterWriter(connection, prefix);
  const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: admin, prefix });
  const core = () =>
    createBridgeCore({
      bridge,
      producer,
      deadLetters,
      logger: logger(logLines),
      registry: createMetricsRegistry(),
      // As the CLI role reads it: at most once a second.
      backlog: createBacklogProbe(onboarding, maxBacklog),
      retryMinMs: 50,
      retryMaxMs: 200,
    });
  return {
    url: redis.url,
    prefix,
    admin,
    producer,
    onboarding,
    core,
    waiting: () => onboarding.getJobCountByTypes('waiting'),
    async close() {
      await Promise.all([producer.close(), deadLetters.close(), onboarding.close()]);
      connection.disconnect();
      admin.disconnect();
      await redis.stop();
    },
  };
}

const brokers = { amqp: amqpBroker, nats: natsBroker };

function messages(start: number): { body: Buffer; id: string }[] {
  return businessIds(MESSAGES, start).map((id, i) => ({
    body: Buffer.from(JSON.stringify(minimalPayload(id))),
    id: `hold-${start}-${i}`,
  }));
}

describe.each(Object.keys(brokers) as (keyof typeof brokers)[])('bridge %s under pressure', (name) => {
  it('holds its messages at INTAKE_MAX_BACKLOG, hands them back on stop, and resumes by itself once there is room', async () => {
    const logLines: string[] = [];
    const broker = await brokers[name](logLines);
    const side = await redisSide(name, 25, logLines);
    try {
      // 25 jobs already wait: the cap of 25, where the HTTP intake answers 429 too.
      await side.producer.enqueueMany(
        businessIds(25, 3_600_000).map((id) => ({ payload: minimalPayload(id) })),
      );
      await broker.publish(messages(3_700_000));

      const first = await broker.start(side.core());
      let stoppedAt: number;
      try {
        await sleep(1500);
        expect(await side.waiting()).toBe(25); // nothing of the broker's was stored
      } finally {
        // SIGTERM's path: stop() hands every held message back, unacked and not lost.
        await first.stop();
        stoppedAt = Date.now();
      }
      expect(await broker.held()).toBe(MESSAGES);

      const second = await broker.start(side.core());
      try {
        await sleep(1000);
        expect(await side.waiting()).toBe(25); // still full: still holding
        await side.onboarding.drain(); // the workers caught up
        await waitFor(async () => (await side.waiting()) === MESSAGES, 20_000, 50);
        // Handed back at stop, not left to JetStream's ack_wait to redeliver.
        expect(Date.now() - stoppedAt).toBeLessThan(ACK_WAIT_MS);
      } finally {
        await second.stop();
      }
      expect(await broker.held()).toBe(0); // every message acked, after its job was stored
      const ids = (await side.onboarding.getJobs(['waiting'])).map((j) => j.id);
      expect(new Set(ids).size).toBe(MESSAGES);
      expect(ids.every((id) => id?.startsWith('evt-hold-'))).toBe(true);
    } finally {
      await side.close();
      await broker.close();
    }
  });

  it('holds its messages unacked while Redis is full (maxmemory, noeviction) and resumes by itself when it is not', async () => {
    const logLines: string[] = [];
    const broker = await brokers[name](logLines);
    const side = await redisSide(name, 0, logLines);
    try {
      await side.admin.config('SET', 'maxmemory', '1');
      await broker.publish(messages(3_800_000));
      const bridge = await broker.start(side.core());
      try {
        await waitFor(() => logLines.join('').includes('holding it unacked'), 10_000, 50);
        await sleep(1000);
        expect(await side.waiting()).toBe(0);
        await side.admin.config('SET', 'maxmemory', '0');
        await waitFor(async () => (await side.waiting()) === MESSAGES, 20_000, 50);
      } finally {
        await bridge.stop();
      }
      expect(await broker.held()).toBe(0);
      const warnings = logLines.filter((l) => l.includes('holding it unacked')).map((l) => JSON.parse(l));
      // Redis's own refusal, named in the log line (OOM, or EXECABORT for the refused transaction).
      expect(warnings[0]).toMatchObject({ level: 'warn', error: expect.stringMatching(/OOM|EXECABORT/) });
    } finally {
      await side.close();
      await broker.close();
    }
  });

  it('a SIGTERM to the `onboarding bridge` process hands the messages it holds back to the broker', async () => {
    const logLines: string[] = [];
    const broker = await brokers[name](logLines);
    const side = await redisSide(name, 25, logLines);
    try {
      await side.producer.enqueueMany(
        businessIds(30, 3_900_000).map((id) => ({ payload: minimalPayload(id) })),
      );
      await broker.publish(messages(3_950_000));
      const child = spawn(process.execPath, [BIN, 'bridge', name], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          REDIS_URL: side.url,
          QUEUE_PREFIX: side.prefix,
          INTAKE_MAX_BACKLOG: '25',
          ...broker.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await waitFor(() => output.join('').includes('bridge ready'), 60_000);
        await sleep(1500); // it has the messages by now, and holds them: the queue is over the cap
        expect(await side.waiting()).toBe(30);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      expect(await broker.held()).toBe(MESSAGES); // back with the broker, none acked
      expect(await side.waiting()).toBe(30); // and none stored
    } finally {
      await side.close();
      await broker.close();
    }
  });
});
