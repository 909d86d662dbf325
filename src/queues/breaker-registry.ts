import os from 'node:os';
import type { RedisClient } from './connection';

/** The breaker's state as operators read it in logs and `stats`. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One worker process's breaker, as `stats` shows it. */
export interface BreakerReport {
  worker: string;
  state: BreakerState;
  since: string;
}

const key = (prefix: string): string => `${prefix}:onboarding-breakers`;

/** This process's name in the registry. */
export function workerName(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** Records a worker's breaker state in Redis so that `stats` and `/readyz` can show every process's. */
export async function reportBreaker(redis: RedisClient, prefix: string, worker: string, state: BreakerState) {
  await redis.hset(key(prefix), worker, JSON.stringify({ state, since: new Date().toISOString() }));
}

/** Removes a worker that is shutting down. */
export async function forgetBreaker(redis: RedisClient, prefix: string, worker: string): Promise<void> {
  await redis.hdel(key(prefix), worker);
}

/** Every worker's breaker. */
export async function readBreakers(redis: RedisClient, prefix: string): Promise<BreakerReport[]> {
  const all = await redis.hgetall(key(prefix));
  return Object.entries(all).map(([worker, raw]) => ({
    worker,
    ...(JSON.parse(raw) as Omit<BreakerReport, 'worker'>),
  }));
}
