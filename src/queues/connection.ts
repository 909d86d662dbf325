import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis client: a single node or a Cluster, as REDIS_URL says. */
export type RedisClient = Redis | Cluster;

/**
 * What the connection is for: workers block and must retry forever; producers must fail fast; the
 * HTTP surface fails fast too and serves many requests at once, so it batches their commands.
 */
export type ConnectionRole = 'worker' | 'producer' | 'http';

function nodeOptions(url: URL): RedisOptions {
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Opens a Redis connection from REDIS_URL. A comma-separated list of nodes means Redis Cluster.
 * Workers get `maxRetriesPerRequest: null` (BullMQ requires it for blocking calls); producers keep
 * ioredis's default so an enqueue fails with an error instead of waiting forever on a dead Redis.
 */
export function createRedisConnection(redisUrl: string, role: ConnectionRole = 'worker'): RedisClient {
  const maxRetriesPerRequest = role === 'worker' ? null : 2;
  // Commands issued in one event-loop turn go out in one write: under load the intake's requests
  // share syscalls and Redis's reads (+20% accepted/s in the intake bench, docs/bench.md). Not for
  // workers: their blocking and lock-renewing calls are BullMQ's to schedule. Caveat on this
  // connection: auto-pipelined commands leave at the end of the turn, while MULTI, pipeline(), INFO
  // and CLIENT leave at once, so await a command before one of those relies on its effect.
  const enableAutoPipelining = role === 'http';
  const nodes = redisUrl
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (nodes.length > 1) {
    const first = new URL(nodes[0] as string);
    return new Cluster(
      nodes.map((node) => {
        const url = new URL(node);
        return { host: url.hostname, port: Number(url.port || 6379) };
      }),
      // No auto-pipelining here: with a cluster it would group commands per slot, a path no test of
      // ours drives through the HTTP surface.
      { redisOptions: { ...nodeOptions(first), maxRetriesPerRequest }, enableReadyCheck: true },
    );
  }
  return new Redis(redisUrl, { maxRetriesPerRequest, enableReadyCheck: true, enableAutoPipelining });
}
