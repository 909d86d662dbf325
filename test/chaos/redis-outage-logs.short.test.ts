import fs from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import path from 'node:path';
import { startChaosRedis, tempDir } from './support/chaos-redis';
import { createProcessGroup, type ManagedProcess } from './support/child-process';
import { ONBOARDING_BIN, REPO_ROOT } from './support/sandbox-process';
import { workerSlot } from './support/worker-process';
import { NATS_SERVERS } from '../support/brokers';

const group = createProcessGroup();
afterEach(() => group.reapAll());

const parsesAsJson = (line: string): boolean => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

/** Kills Redis under a running process, brings it back, stops the process: checks every line on the way. */
async function expectJsonThroughOutage(
  child: ManagedProcess,
  redis: { crash(): Promise<void>; restart(): Promise<void> },
): Promise<void> {
  const worker = child;
  const before = worker.output().length;

  await redis.crash();
  await worker.waitForLine(/"message":"redis unavailable"/, 10_000);
  // ioredis retries every few hundred ms on several connections: ~8 s is dozens of errors.
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  const during = worker.output().slice(before).split('\n').filter(Boolean);

  expect(during.filter((line) => !parsesAsJson(line))).toEqual([]);
  expect(during.filter((line) => line.includes('"redis unavailable"'))).toHaveLength(1);
  // A cap, not a count: the start line, perhaps one from a stop in progress, nothing per retry.
  expect(during.length).toBeLessThanOrEqual(3);

  await redis.restart();
  const back = JSON.parse(await worker.waitForLine(/"message":"redis available again"/, 20_000)) as {
    outageMs: number;
    errorsSuppressed: number;
  };
  expect(back.outageMs).toBeGreaterThan(0);
  expect(back.errorsSuppressed).toBeGreaterThan(0);

  const exit = await worker.terminate(10_000);
  expect(exit.forced).toBe(false);
  const all = worker.output().split('\n').filter(Boolean);
  expect(all.filter((line) => !parsesAsJson(line))).toEqual([]);
}

describe('chaos (short): the log while Redis is gone', () => {
  it('every stdout/stderr line is one JSON object, and the outage is a few lines, not one per error', async () => {
    const redis = await startChaosRedis(group);
    const slot = workerSlot(group, 'worker', {
      NODE_ENV: 'test',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `outage-${process.pid}`,
      ROPO_BASE_URL: '',
      ROPO_ENV: '',
      ROPO_SANDBOX: 'true',
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    await expectJsonThroughOutage(await slot.start(), redis);
  }, 180_000);

  it('the same for `deliver`: its workers count connection errors in the one outage log', async () => {
    const redis = await startChaosRedis(group);
    const dir = tempDir(group, 'sinks');
    const sinksFile = path.join(dir, 'sinks.json');
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    fs.writeFileSync(
      sinksFile,
      JSON.stringify([{ type: 'webhook', name: 'crm', url: 'http://127.0.0.1:9/hook', secret }]),
    );
    const deliver = group.spawn({
      name: 'deliver',
      command: process.execPath,
      args: [ONBOARDING_BIN, 'deliver'],
      cwd: REPO_ROOT,
      env: {
        NODE_ENV: 'test',
        REDIS_URL: redis.url,
        QUEUE_PREFIX: `outage-deliver-${process.pid}`,
        EVENT_SINKS: sinksFile,
        LOG_LEVEL: 'info',
      },
    });
    await deliver.waitForLine(/deliver ready/, 90_000);
    await expectJsonThroughOutage(deliver, redis);
  }, 180_000);

  it('the same for `bridge nats`: an idle bridge logs the outage, not each reconnect', async () => {
    const redis = await startChaosRedis(group);
    const nc = await connect({ servers: NATS_SERVERS });
    const jsm = await jetstreamManager(nc);
    const suffix = `${process.pid}${Date.now().toString(36)}`;
    const stream = `TEST_OUTAGE_${suffix}`;
    await jsm.streams.add({ name: stream, subjects: [`test.outage.${suffix}`] });
    try {
      const bridge = group.spawn({
        name: 'bridge-nats',
        command: process.execPath,
        args: [ONBOARDING_BIN, 'bridge', 'nats'],
        cwd: REPO_ROOT,
        env: {
          NODE_ENV: 'test',
          PATH: process.env.PATH,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: `outage-bridge-${process.pid}`,
          NATS_SERVERS,
          NATS_STREAM: stream,
          NATS_CONSUMER: 'bridge',
          NATS_SUBJECT: `test.outage.${suffix}`,
          LOG_LEVEL: 'info',
        },
      });
      await bridge.waitForLine(/bridge ready/, 90_000);
      await expectJsonThroughOutage(bridge, redis);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  }, 180_000);
});
