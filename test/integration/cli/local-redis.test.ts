import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisAnswers, resolveLocalRedis } from '../../../src/cli/local-redis';
import { createLogger } from '../../../src/logger';
import { freePort } from '../../support/free-port';
import { testRedisUrl } from '../../support/redis';

const logger = createLogger({ level: 'error' });

describe('start finds or spawns a Redis for a first run', () => {
  it('uses REDIS_URL as given when it is set', async () => {
    const redis = await resolveLocalRedis(
      { url: 'redis://configured.invalid:6379', explicit: true },
      '.data',
      logger,
    );
    expect(redis).toMatchObject({ url: 'redis://configured.invalid:6379', origin: 'configured' });
  });

  it('uses a Redis that already answers at the default address', async () => {
    const redis = await resolveLocalRedis({ url: testRedisUrl(), explicit: false }, '.data', logger);
    expect(redis.origin).toBe('localhost');
  });

  it('otherwise spawns redis-server with AOF and noeviction into the data dir, and stops it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-start-'));
    const url = `redis://127.0.0.1:${await freePort()}`;
    const redis = await resolveLocalRedis({ url, explicit: false }, dataDir, logger);
    const client = new Redis(url);
    try {
      expect(redis.origin).toBe('spawned');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await client.set('survives', 'a restart');
    } finally {
      client.disconnect();
      await redis.stop();
    }
    expect(await redisAnswers(url, 300)).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, 'redis')).some((name) => name.startsWith('appendonly'))).toBe(
      true,
    );

    // The AOF brings the data back on the next start.
    const again = await resolveLocalRedis({ url, explicit: false }, dataDir, logger);
    const reader = new Redis(url);
    try {
      expect(await reader.get('survives')).toBe('a restart');
    } finally {
      reader.disconnect();
      await again.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
