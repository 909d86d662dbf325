import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/support/free-port';
import { stopChild, track } from './child-registry';

/** A redis-server spawned for one bench run. */
export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/**
 * Spawns redis-server on a free loopback port, like test/support/redis-server.ts, but tracked so that the
 * bench's exit handler kills it. No persistence: the bench measures the worker, not the disk.
 */
export async function spawnBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ropo-bench-redis-'));
  const child = track(
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    ),
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
