import { Redis } from 'ioredis';
import { spawnBenchRedis, type BenchRedis } from './redis-process';
import { startSandboxProcess, type SandboxControl } from './sandbox-control';

/** The Redis and the sandbox one bench run shares across its scenarios, and a connection to drive them. */
export interface BenchEnv {
  redisServer: BenchRedis;
  redis: Redis;
  sandbox: SandboxControl;
  prefix: string;
  /** Starts every round from nothing: an empty Redis and a sandbox with no creations, counters or faults. */
  clean(): Promise<void>;
  close(): Promise<void>;
}

/** Spawns Redis and the sandbox as child processes; `close()` stops both (the exit hook does too). */
export async function openBenchEnv(): Promise<BenchEnv> {
  const redisServer = await spawnBenchRedis();
  let sandbox: SandboxControl | undefined;
  let redis: Redis | undefined;
  try {
    sandbox = await startSandboxProcess();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  } catch (error) {
    await sandbox?.stop();
    await redisServer.stop();
    throw error;
  }
  const connection = redis;
  const sim = sandbox;
  return {
    redisServer,
    redis: connection,
    sandbox: sim,
    prefix: 'bench',
    async clean() {
      await connection.flushall();
      await sim.reset();
    },
    async close() {
      await connection.quit().catch(() => connection.disconnect());
      await sim.stop();
      await redisServer.stop();
    },
  };
}
