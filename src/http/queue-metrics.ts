import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import { readBreakers } from '../queues/breaker-registry';
import { COUNTED_STATES } from '../queues/queue-stats';
import { metricOnce } from '../pipeline/prometheus-observer';
import type { RedisGate } from './redis-availability';

/** What the scrape-time collectors read. */
export interface QueueMetricsDeps {
  queues: Queue[];
  redis: RedisGate;
  prefix: string;
  timeoutMs: number;
}

interface Snapshot {
  counts: { queue: string; counts: Record<string, number>; paused: boolean }[];
  breakers: Record<string, number>;
}

/**
 * Registers gauges read from Redis on every scrape: jobs per queue and state, paused queues,
 * workers per breaker state (from the registry every worker keeps in Redis) and whether Redis
 * answered. One Redis read serves all of them; when Redis does not answer, the depth gauges are
 * left empty rather than stale and `onboarding_redis_up` is 0.
 */
export function registerQueueMetrics(registry: Registry, deps: QueueMetricsDeps): void {
  let pending: Promise<Snapshot | undefined> | undefined;
  const snapshot = (): Promise<Snapshot | undefined> => {
    pending ??= read().finally(() => {
      // Shared by the collectors of one scrape, never across scrapes.
      setImmediate(() => (pending = undefined));
    });
    return pending;
  };

  async function read(): Promise<Snapshot | undefined> {
    if (deps.redis.down()) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, deps.timeoutMs, undefined);
    });
    const work = (async (): Promise<Snapshot> => {
      const counts = await Promise.all(
        deps.queues.map(async (queue) => ({
          queue: queue.name,
          counts: (await queue.getJobCounts(...COUNTED_STATES)) as Record<string, number>,
          paused: await queue.isPaused(),
        })),
      );
      const breakers: Record<string, number> = { closed: 0, open: 0, 'half-open': 0 };
      for (const report of await readBreakers(deps.redis.connection, deps.prefix)) {
        breakers[report.state] = (breakers[report.state] ?? 0) + 1;
      }
      return { counts, breakers };
    })();
    try {
      return await Promise.race([work.catch(() => undefined), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  const registers = [registry];
  metricOnce(
    registry,
    'onboarding_redis_up',
    () =>
      new Gauge({
        name: 'onboarding_redis_up',
        help: '1 when Redis answered the last scrape',
        registers,
        // Read from Redis, the same in every process of a cluster: taken once, not summed.
        aggregator: 'first',
        async collect() {
          this.set((await snapshot()) ? 1 : 0);
        },
      }),
  );
  metricOnce(
    registry,
    'onboarding_queue_jobs',
    () =>
      new Gauge({
        name: 'onboarding_queue_jobs',
        help: 'Jobs per queue and state, read from Redis at scrape time',
        labelNames: ['queue', 'state'],
        registers,
        // Read from Redis, the same in every process of a cluster: taken once, not summed.
        aggregator: 'first',
        async collect() {
          this.reset();
          for (const { queue, counts } of (await snapshot())?.counts ?? []) {
            for (const state of COUNTED_STATES) this.set({ queue, state }, counts[state] ?? 0);
          }
        },
      }),
  );
  metricOnce(
    registry,
    'onboarding_queue_paused',
    () =>
      new Gauge({
        name: 'onboarding_queue_paused',
        help: '1 when the queue is paused (e.g. after Ropo One refused our credentials)',
        labelNames: ['queue'],
        registers,
        // Read from Redis, the same in every process of a cluster: taken once, not summed.
        aggregator: 'first',
        async collect() {
          this.reset();
          for (const { queue, paused } of (await snapshot())?.counts ?? [])
            this.set({ queue }, paused ? 1 : 0);
        },
      }),
  );
  metricOnce(
    registry,
    'onboarding_worker_breakers',
    () =>
      new Gauge({
        name: 'onboarding_worker_breakers',
        help: 'Worker processes whose circuit breaker toward Ropo One is in this state (from Redis)',
        labelNames: ['state'],
        registers,
        // Read from Redis, the same in every process of a cluster: taken once, not summed.
        aggregator: 'first',
        async collect() {
          this.reset();
          const breakers = (await snapshot())?.breakers;
          if (breakers) for (const [state, count] of Object.entries(breakers)) this.set({ state }, count);
        },
      }),
  );
}
