import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisAnswers } from '../../../src/cli/local-redis';
import { redisServerArgs } from '../../../src/cli/redis-server-args';
import { freePort } from '../../support/free-port';
import type { ManagedProcess, ProcessGroup } from './child-process';

/** A redis-server the scenario owns: it can be killed with -9 and restarted on the same port and data. */
export interface ChaosRedis {
  url: string;
  port: number;
  dir: string;
  process(): ManagedProcess;
  /** kill -9: no shutdown, no final AOF flush beyond what `appendfsync everysec` already wrote. */
  crash(): Promise<void>;
  /** Starts redis-server again on the same port and dir; it loads the AOF it left behind. */
  restart(): Promise<void>;
}

/** Options as production runs Redis (AOF everysec, noeviction), plus test knobs. */
export interface ChaosRedisOptions {
  port?: number;
  dir?: string;
  maxmemory?: string;
  extraArgs?: string[];
  name?: string;
}

/** A fresh temp dir, removed when the group is reaped. */
export function tempDir(group: ProcessGroup, label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ropo-chaos-${label}-`));
  group.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Waits until Redis answers PING with the dataset loaded (a restart loads the AOF first). */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await redisAnswers(url, 1000))) {
    if (Date.now() > deadline) throw new Error(`Redis at ${url} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Spawns redis-server in the group (so it is always reaped) and waits until it answers. */
export async function startChaosRedis(
  group: ProcessGroup,
  options: ChaosRedisOptions = {},
): Promise<ChaosRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? tempDir(group, 'redis');
  const url = `redis://127.0.0.1:${port}`;
  const launch = async (): Promise<ManagedProcess> => {
    const child = group.spawn({
      name: options.name ?? `redis:${port}`,
      command: 'redis-server',
      args: redisServerArgs({
        port,
        dir,
        appendonly: true,
        maxmemory: options.maxmemory,
        extraArgs: options.extraArgs,
      }),
    });
    await child.waitForLine(/Ready to accept connections/, 20_000);
    await waitForRedis(url, 20_000);
    return child;
  };
  let current = await launch();
  return {
    url,
    port,
    dir,
    process: () => current,
    async crash() {
      await current.kill9();
    },
    async restart() {
      if (current.running()) throw new Error('restart() needs crash() first');
      current = await launch();
    },
  };
}
