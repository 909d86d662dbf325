import fs from 'node:fs';
import { hasRedisServerBinary, spawnRedisServer } from './redis-server';

/** Whatever global-setup started, for global-teardown (same process) to stop. */
type Stoppable = { stop(): Promise<unknown> };

declare global {
  var __ROPO_TEST_REDIS__: Stoppable | undefined;
}

async function startContainer(): Promise<{ url: string; handle: Stoppable }> {
  // Loaded lazily: testcontainers is the last resort and pulls in a Docker client.
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer('redis:7-alpine')
    .withCommand(['redis-server', '--maxmemory-policy', 'noeviction'])
    .withExposedPorts(6379)
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    handle: container,
  };
}

/** Gives the whole test run one Redis: REDIS_URL, else a spawned redis-server, else testcontainers. */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  if (hasRedisServerBinary()) {
    const redis = await spawnRedisServer();
    globalThis.__ROPO_TEST_REDIS__ = {
      stop: async () => {
        await redis.stop();
        fs.rmSync(redis.dir, { recursive: true, force: true });
      },
    };
    process.env.REDIS_URL = redis.url;
    return;
  }
  try {
    const { url, handle } = await startContainer();
    globalThis.__ROPO_TEST_REDIS__ = handle;
    process.env.REDIS_URL = url;
  } catch (error) {
    throw new Error(
      'The tests need Redis and none could be had: set REDIS_URL, or install redis-server ' +
        '(Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`), or run a Docker engine ' +
        `for testcontainers. Docker said: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
