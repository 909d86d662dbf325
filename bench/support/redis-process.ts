import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisServerArgs } from '../../src/cli/redis-server-args';
import { freePort } from '../../test/support/free-port';
import { waitForPort } from '../../test/support/redis-server';
import { stopChild, track } from './child-registry';

/** A redis-server spawned for one bench run. */
export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Spawns redis-server on a free loopback port, like test/support/redis-server.ts, but tracked so that the
 * bench's exit handler kills it. No persistence: the bench measures the worker, not the disk.
 */
export async function spawnBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ropo-bench-redis-'));
  const child = track(
    spawn('redis-server', redisServerArgs({ port, dir, appendonly: false }), { stdio: 'ignore' }),
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', () => reject(new Error(`redis-server exited before listening on ${port}`))),
  );
  await Promise.race([waitForPort(port, 10_000), exited]);
  exited.catch(() => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async stop() {
      await stopChild(child, 2_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
