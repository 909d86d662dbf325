import { randomBytes, randomInt } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Queue } from 'bullmq';
import { DEAD_LETTER_CODES, type DeadLetterRecord } from '../../src/contracts/dead-letter-record';
import { createRedisConnection, type RedisClient } from '../../src/queues/connection';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { startChaosRedis } from './support/chaos-redis';
import { createProcessGroup, type ManagedProcess, type ProcessGroup } from './support/child-process';
import { ONBOARDING_BIN, REPO_ROOT } from './support/sandbox-process';
import { NATS_SERVERS } from '../support/brokers';

const TOTAL = 1000;

jest.setTimeout(180_000);

interface Scenario {
  group: ProcessGroup;
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  subject: string;
  prefix: string;
}

function bridgeProcess(s: Scenario, redisUrl: string, n: number): Promise<ManagedProcess> {
  const child = s.group.spawn({
    name: `bridge-nats#${n}`,
    command: process.execPath,
    args: [ONBOARDING_BIN, 'bridge', 'nats'],
    cwd: REPO_ROOT,
    env: {
      NODE_ENV: 'test',
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: s.prefix,
      NATS_SERVERS,
      NATS_STREAM: s.stream,
      NATS_CONSUMER: 'bridge',
      NATS_SUBJECT: s.subject,
      NATS_PREFETCH: '50',
      LOG_LEVEL: 'info',
    },
  });
  return child.waitForLine(/bridge ready/, 90_000).then(() => child);
}

async function publish(s: Scenario, messages: { body: Buffer; messageId?: string }[]) {
  const js = jetstream(s.nc);
  for (const m of messages) await js.publish(s.subject, m.body, m.messageId ? { msgID: m.messageId } : {});
}

/** Messages not yet acked by the durable consumer: never delivered plus delivered-but-unacked. */
async function queueDepth(s: Scenario): Promise<number> {
  const info = await s.jsm.consumers.info(s.stream, 'bridge').catch(() => undefined);
  if (!info) return (await s.jsm.streams.info(s.stream)).state.messages;
  return info.num_pending + info.num_ack_pending;
}

async function withScenario(label: string, run: (s: Scenario) => Promise<void>): Promise<void> {
  const group = createProcessGroup();
  const nc = await connect({ servers: NATS_SERVERS });
  const jsm = await jetstreamManager(nc);
  const suffix = randomBytes(4).toString('hex');
  const s: Scenario = {
    group,
    nc,
    jsm,
    stream: `TEST_BRIDGE_${label}_${suffix}`,
    subject: `test.bridge.${suffix}`,
    prefix: `tn${suffix}`,
  };
  await jsm.streams.add({ name: s.stream, subjects: [s.subject] });
  try {
    await run(s);
  } finally {
    await group.reapAll();
    await jsm.streams.delete(s.stream).catch(() => undefined);
    await nc.close();
  }
}

function payloadBody(id: string): Buffer {
  return Buffer.from(JSON.stringify(minimalPayload(id)));
}

describe('bridge nats', () => {
  it('stores 1,000 messages exactly once through three SIGKILLs and a Redis restart (AOF), leaving nothing unacked', async () => {
    await withScenario('chaos', async (s) => {
      const redis = await startChaosRedis(s.group, { extraArgs: ['--appendfsync', 'always'] });
      const ids = businessIds(TOTAL, 4_000_000);
      await publish(
        s,
        ids.map((id, i) => ({ body: payloadBody(id), messageId: `m-${i}` })),
      );
      let client: RedisClient | undefined;
      let onboarding: Queue | undefined;
      const stored = async () => {
        try {
          return await (onboarding as Queue).count();
        } catch {
          return -1;
        }
      };
      try {
        client = createRedisConnection(redis.url, 'producer');
        client.on('error', () => undefined);
        onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: client, prefix: s.prefix });
        onboarding.on('error', () => undefined);
        let bridge = await bridgeProcess(s, redis.url, 1);
        // Kill at progress points drawn at random, so each run interrupts different batches.
        const killAt = [randomInt(50, 250), randomInt(300, 500), randomInt(650, 850)];
        const redisCrashAt = randomInt(520, 620);
        for (const [n, at] of killAt.entries()) {
          await waitFor(async () => (await stored()) >= at, 120_000, 20);
          await bridge.kill9();
          if (n === 1) {
            // Redis dies while the bridge is running: the bridge must hold its messages and resume.
            bridge = await bridgeProcess(s, redis.url, n + 2);
            await waitFor(async () => (await stored()) >= redisCrashAt, 120_000, 20);
            await redis.crash();
            await new Promise((resolve) => setTimeout(resolve, 500));
            await redis.restart();
            await bridge.kill9();
          }
          bridge = await bridgeProcess(s, redis.url, n + 10);
        }
        await waitFor(async () => (await stored()) >= TOTAL, 120_000, 100);
        // A message stored just before a SIGKILL lost its ack with the process: JetStream hands it
        // out again after ack_wait (30 s), and the bridge must then ack it as a duplicate.
        await waitFor(async () => (await queueDepth(s)) === 0, 60_000, 200);
        // Everything acked: once the consumer is gone, unacked messages would be back in the queue.
        await bridge.terminate(15_000);
        expect(await queueDepth(s)).toBe(0);
        expect(await onboarding.count()).toBe(TOTAL);
        const jobs = await onboarding.getJobs([
          'waiting',
          'delayed',
          'prioritized',
          'active',
          'completed',
          'failed',
        ]);
        const jobIds = new Set(jobs.map((job) => job.id));
        expect(jobs).toHaveLength(TOTAL);
        const missing = ids.map((_, i) => `evt-m-${i}`).filter((id) => !jobIds.has(id));
        expect(missing).toEqual([]);
      } finally {
        await onboarding?.close();
        client?.disconnect();
      }
    });
  });

  it('makes one job of a redelivered message and one dead letter each of a poison and an invalid message', async () => {
    await withScenario('dedupe', async (s) => {
      const redis = await startChaosRedis(s.group);
      const [id] = businessIds(1, 4_500_000);
      const valid = payloadBody(id as string);
      await publish(s, [
        { body: valid },
        { body: valid },
        { body: Buffer.from('\u0000not json{'), messageId: 'poison-1' },
        {
          body: Buffer.from(JSON.stringify({ customer_info: { business_id: '1234567-8' } })),
          messageId: 'bad-1',
        },
      ]);
      const client = createRedisConnection(redis.url, 'producer');
      const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: client, prefix: s.prefix });
      const deadLetters = new Queue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, {
        connection: client,
        prefix: s.prefix,
      });
      try {
        const bridge = await bridgeProcess(s, redis.url, 1);
        await waitFor(async () => (await queueDepth(s)) === 0, 60_000);
        await waitFor(async () => (await deadLetters.count()) >= 2, 60_000);
        await bridge.terminate(15_000);
        expect(await queueDepth(s)).toBe(0);
        expect(await onboarding.count()).toBe(1);
        const [job] = await onboarding.getJobs(['waiting']);
        expect(job?.data).toMatchObject({ source: 'nats', eventId: expect.stringMatching(/^body-/) });
        const records = (await deadLetters.getJobs(['waiting'])).map((job) => job.data);
        expect(records.map((r) => r.reason.code).sort()).toEqual(
          [DEAD_LETTER_CODES.eventMalformed, DEAD_LETTER_CODES.payloadInvalid].sort(),
        );
        const poison = records.find((r) => r.reason.code === DEAD_LETTER_CODES.eventMalformed);
        expect(poison?.payload).toMatchObject({ raw: '\u0000not json{', truncated: false });
        // Counted once each: acked once, never redelivered.
        expect(bridge.lines(/dead-lettered/)).toHaveLength(2);
      } finally {
        await Promise.all([onboarding.close(), deadLetters.close()]);
        client.disconnect();
      }
    });
  });
});
