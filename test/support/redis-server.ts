import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { redisServerArgs } from '../../src/cli/redis-server-args';
import { freePort } from './free-port';

/** A Redis started for tests, with the means to stop it (and, for chaos tests, to kill and restart it). */
export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Options for a spawned redis-server; chaos tests turn AOF on to survive a kill -9. */
export interface SpawnRedisOptions {
  port?: number;
  dir?: string;
  appendonly?: boolean;
  maxmemory?: string;
  extraArgs?: string[];
}

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServerBinary(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Resolves once something listens on the loopback port. */
export function waitForPort(port: number, timeoutMs: number): Promise<void> {
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
        if (Date.now() > deadline)
          reject(new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Spawns `redis-server` on a free loopback port in a temp dir; `noeviction` as BullMQ requires. */
export async function spawnRedisServer(options: SpawnRedisOptions = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ropo-onboarding-redis-'));
  const args = redisServerArgs({
    port,
    dir,
    appendonly: options.appendonly ?? false,
    maxmemory: options.maxmemory,
    extraArgs: options.extraArgs,
  });
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore', detached: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    waitForPort(port, 10_000),
    exited.then(() => {
      throw new Error(`redis-server exited before listening on port ${port}`);
    }),
  ]);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
