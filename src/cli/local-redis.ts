import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { redisServerArgs } from './redis-server-args';

/** The Redis that `start` settled on, and how to stop it when `start` spawned it. */
export interface ResolvedRedis {
  url: string;
  origin: 'configured' | 'localhost' | 'spawned';
  stop(): Promise<void>;
}

/** True when something answers PING at the URL within the timeout. */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    // After a refused connection the client has already ended; disconnecting it again would
    // schedule a reconnect that keeps the process alive for two seconds.
    if (client.status !== 'end') client.disconnect();
  }
}

/**
 * For a first run on a laptop: REDIS_URL when set, else a Redis already on localhost:6379, else a
 * `redis-server` from PATH on 6379 with AOF into `<dataDir>/redis`, so jobs survive a restart and
 * `npx onboarding enqueue` in another terminal finds the same Redis.
 */
export async function resolveLocalRedis(
  config: { url: string; explicit: boolean },
  dataDir: string,
  logger: Logger,
): Promise<ResolvedRedis> {
  const nothing = async (): Promise<void> => undefined;
  if (config.explicit) return { url: config.url, origin: 'configured', stop: nothing };
  if (await redisAnswers(config.url)) return { url: config.url, origin: 'localhost', stop: nothing };

  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      `No Redis answers at ${config.url} and there is no redis-server on PATH. Install Redis ` +
        '(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const { port } = new URL(config.url);
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    redisServerArgs({ port: Number(port || 6379), dir, appendonly: true }),
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; !(await redisAnswers(config.url, 200)); waited += 100) {
    if (child.exitCode !== null || waited > 10_000) {
      throw new Error(`redis-server did not start on ${config.url} (data dir ${dir})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  logger.info('started a local redis-server with AOF', { url: config.url, dir });
  return {
    url: config.url,
    origin: 'spawned',
    async stop() {
      // SIGTERM lets Redis flush the AOF before it exits.
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
