import { Router } from 'express';
import type { Queue } from 'bullmq';
import { readBreakers, type BreakerReport } from '../queues/breaker-registry';
import type { RedisGate } from './redis-availability';
import { defineRoutes, mountRoutes } from './route-table';

/** What `/readyz` found. */
export interface Readiness {
  ready: boolean;
  /** `degraded`: ready, but every worker's breaker toward Ropo One is open (jobs wait, none is lost). */
  status: 'ready' | 'degraded' | 'paused' | 'not_ready';
  /** Why the status is not `ready`, for an operator reading the probe. */
  reason?: string;
  checks: {
    /** `paused`: no job is fetched until `onboarding resume`; `rateLimitedMs`: a 429/breaker hold left. */
    queue?: { paused: boolean; rateLimitedMs: number };
    redis: { ok: boolean; latencyMs?: number };
    workers: { ok: boolean; count: number; source: 'client-list' | 'breaker-registry' | 'none' };
    breakers: { open: number; halfOpen: number; closed: number; workers: BreakerReport[] };
  };
}

/** Dependencies of {@link createReadinessCheck}. */
export interface ReadinessDeps {
  redis: RedisGate;
  onboarding: Queue;
  prefix: string;
  timeoutMs: number;
}

function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Ready means: Redis answers, and at least one worker consumes the onboarding queue (so accepted
 * jobs will be processed). An open breaker does not make the service unready: jobs wait safely
 * while Ropo One is down, and pulling the service out of rotation for it would only refuse intake.
 */
export function createReadinessCheck(deps: ReadinessDeps): () => Promise<Readiness> {
  async function workerCount(breakers: BreakerReport[]): Promise<Readiness['checks']['workers']> {
    try {
      const workers = await timeout(deps.onboarding.getWorkers(), deps.timeoutMs);
      return { ok: workers.length > 0, count: workers.length, source: 'client-list' };
    } catch {
      // Some managed Redis services forbid CLIENT LIST; the breaker registry is the next best witness.
      return { ok: breakers.length > 0, count: breakers.length, source: 'breaker-registry' };
    }
  }

  return async () => {
    const notReady: Readiness = {
      ready: false,
      status: 'not_ready',
      checks: {
        redis: { ok: false },
        workers: { ok: false, count: 0, source: 'none' },
        breakers: { open: 0, halfOpen: 0, closed: 0, workers: [] },
      },
    };
    if (deps.redis.down()) return notReady;
    const started = performance.now();
    try {
      await timeout(deps.redis.connection.ping(), deps.timeoutMs);
    } catch {
      return notReady;
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const breakers = await timeout(readBreakers(deps.redis.connection, deps.prefix), deps.timeoutMs).catch(
      () => [] as BreakerReport[],
    );
    const workers = await workerCount(breakers);
    const count = (state: string) => breakers.filter((b) => b.state === state).length;
    const open = count('open');
    const ready = workers.ok;
    // Paused stays ready (200): intake still stores jobs safely; pulling the pod would only refuse them.
    const queue = await timeout(
      Promise.all([deps.onboarding.isPaused(), deps.onboarding.getRateLimitTtl()]),
      deps.timeoutMs,
    ).then(
      ([paused, ttl]) => ({ paused, rateLimitedMs: Math.max(0, ttl) }),
      () => undefined,
    );
    const allOpen = breakers.length > 0 && open === breakers.length;
    const status: Readiness['status'] = !ready
      ? 'not_ready'
      : queue?.paused
        ? 'paused'
        : allOpen
          ? 'degraded'
          : 'ready';
    const reason =
      status === 'not_ready'
        ? 'no worker consumes the onboarding queue'
        : status === 'paused'
          ? 'onboarding queue paused (by an operator, or by a ROPO_AUTH alert: fix credentials, then `onboarding resume`)'
          : status === 'degraded'
            ? "every worker's breaker toward Ropo One is open"
            : undefined;
    return {
      ready,
      status,
      reason,
      checks: {
        queue,
        redis: { ok: true, latencyMs },
        workers,
        breakers: { open, halfOpen: count('half-open'), closed: count('closed'), workers: breakers },
      },
    };
  };
}

/** The routes of {@link healthRouter}. */
export const healthRoutes = defineRoutes({
  healthz: {
    method: 'get',
    path: '/healthz',
    scope: 'public',
    operation: {
      summary: 'The process is alive and serving HTTP',
      responses: { '200': { description: '{status: "ok", uptimeSeconds}' } },
    },
  },
  readyz: {
    method: 'get',
    path: '/readyz',
    scope: 'public',
    operation: {
      summary: 'Ready to take work: Redis answers, the queue is not paused, workers are up',
      responses: {
        '200': { description: 'Ready, with the checks' },
        '503': { description: 'Not ready: `status` and `reason` say why' },
      },
    },
  },
});

/** `/healthz` (the process is alive and serving HTTP) and, given a check, `/readyz` (503 when not ready). */
export function healthRouter(readiness?: () => Promise<Readiness>): Router {
  return mountRoutes(Router(), healthRoutes, {
    healthz: [
      (_req, res) => {
        res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      },
    ],
    readyz: readiness
      ? [
          async (_req, res) => {
            const result = await readiness();
            res.status(result.ready ? 200 : 503).json(result);
          },
        ]
      : null,
  });
}
