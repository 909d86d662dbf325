import { startChaosRedis } from './support/chaos-redis';
import { createProcessGroup } from './support/child-process';
import { workerSlot } from './support/worker-process';

const group = createProcessGroup();
afterEach(() => group.reapAll());

const parsesAsJson = (line: string): boolean => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

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
    const worker = await slot.start();
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
  }, 60_000);
});
