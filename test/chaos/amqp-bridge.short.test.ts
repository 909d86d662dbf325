import { randomBytes, randomInt } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { Queue } from 'bullmq';
import { DEAD_LETTER_CODES, type DeadLetterRecord } from '../../src/contracts/dead-letter-record';
import { createRedisConnection, type RedisClient } from '../../src/queues/connection';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { startChaosRedis } from './support/chaos-redis';
import { createProcessGroup, type ManagedProcess, type ProcessGroup } from './support/child-process';
import { ONBOARDING_BIN, REPO_ROOT } from './support/sandbox-process';
import { AMQP_URL } from '../support/brokers';

const TOTAL = 1000;

jest.setTimeout(180_000);

interface Scenario {
  group: ProcessGroup;
  amqp: ChannelModel;
  queueName: string;
  prefix: string;
}

function bridgeProcess(s: Scenario, redisUrl: string, n: number): Promise<ManagedProcess> {
  const child = s.group.spawn({
    name: `bridge-amqp#${n}`,
    command: process.execPath,
    args: [ONBOARDING_BIN, 'bridge', 'amqp'],
    cwd: REPO_ROOT,
    env: {
      NODE_ENV: 'test',
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: s.prefix,
      AMQP_URL,
      AMQP_QUEUE: s.queueName,
      AMQP_PREFETCH: '50',
      LOG_LEVEL: 'info',
    },
  });
  return child.waitForLine(/bridge ready/, 90_000).then(() => child);
}

async function publish(amqp: ChannelModel, queue: string, messages: { body: Buffer; messageId?: string }[]) {
  const channel = await amqp.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  for (const m of messages) {
    channel.sendToQueue(queue, m.body, {
      persistent: true,
      ...(m.messageId ? { messageId: m.messageId } : {}),
    });
  }
  await channel.waitForConfirms();
  await channel.close();
}

async function queueDepth(amqp: ChannelModel, queue: string): Promise<number> {
  const channel = await amqp.createChannel();
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close();
  }
}

async function withScenario(label: string, run: (s: Scenario) => Promise<void>): Promise<void> {
  const group = createProcessGroup();
  const amqp = await connect(AMQP_URL);
  const suffix = randomBytes(4).toString('hex');
  const s: Scenario = { group, amqp, queueName: `test-bridge-${label}-${suffix}`, prefix: `tb${suffix}` };
  try {
    await run(s);
  } finally {
    await group.reapAll();
    const channel = await amqp.createChannel();
    await channel.deleteQueue(s.queueName).catch(() => undefined);
    await channel.close().catch(() => undefined);
    await amqp.close();
  }
}

function payloadBody(id: string): Buffer {
  return Buffer.from(JSON.stringify(minimalPayload(id)));
}

describe('bridge amqp', () => {
  it('stores 1,000 messages exactly once through three SIGKILLs and a Redis restart (AOF), leaving nothing unacked', async () => {
    await withScenario('chaos', async (s) => {
      const redis = await startChaosRedis(s.group, { extraArgs: ['--appendfsync', 'always'] });
      const ids = businessIds(TOTAL, 4_000_000);
      await publish(
        s.amqp,
        s.queueName,
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
        // Everything acked: once the consumer is gone, unacked messages would be back in the queue.
        await bridge.terminate(15_000);
        expect(await queueDepth(s.amqp, s.queueName)).toBe(0);
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
      await publish(s.amqp, s.queueName, [
        { body: valid, messageId: 'dup-1' },
        { body: valid, messageId: 'dup-1' },
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
        await waitFor(async () => (await queueDepth(s.amqp, s.queueName)) === 0, 60_000);
        await waitFor(async () => (await deadLetters.count()) >= 2, 60_000);
        await bridge.terminate(15_000);
        expect(await queueDepth(s.amqp, s.queueName)).toBe(0);
        expect(await onboarding.count()).toBe(1);
        expect((await onboarding.getJob('evt-dup-1'))?.data).toMatchObject({
          eventId: 'dup-1',
          source: 'amqp',
        });
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
