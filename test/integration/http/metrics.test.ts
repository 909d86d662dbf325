import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import type { Lifecycle } from '../../../src/cli/lifecycle';
import { startWorkerStack } from '../../../src/cli/worker-stack';
import { listen } from '../../../src/http/http-server';
import { createMetricsRegistry } from '../../../src/pipeline/prometheus-observer';
import { createMetricsApp } from '../../../src/http/metrics-server';
import { JOB_NAMES, QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { captureLogger } from '../../support/sandbox';
import { waitForOutboxDrained } from '../../support/outbox';
import { waitFor } from '../../support/wait-for';
import { jsonInit, startHttpHarness } from './support/http-harness';
import { parsePrometheus, sampleValue } from './support/prometheus-text';

/** A lifecycle without signal handlers, as `start` builds it, stopped by the test. */
function testLifecycle(): Lifecycle {
  const stops: (() => Promise<void>)[] = [];
  return {
    add: (stop) => void stops.push(stop),
    async stopAll() {
      while (stops.length > 0) await (stops.pop() as () => Promise<void>)();
    },
  };
}

describe('/metrics as `start` wires it: the worker and the HTTP server in one registry', () => {
  it('parses as Prometheus text and its counters move as jobs complete or dead-letter', async () => {
    const prefix = testPrefix('metrics');
    const registry = createMetricsRegistry();
    const lifecycle = testLifecycle();
    const { logger } = captureLogger('warn');
    const config = loadConfig({
      QUEUE_PREFIX: prefix,
      SANDBOX_PORT: '0',
      JOB_ATTEMPTS: '2',
      RATE_LIMIT_MAX: '1000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    const http = await startHttpHarness({ prefix, registry });
    const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix });
    const deadLetters = new Queue(QUEUE_NAMES.deadLetter, { connection: http.connection, prefix });
    const scrape = async () => {
      const response = await http.request('/metrics', { auth: false });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheus(await response.text());
    };
    try {
      await startWorkerStack(config, testRedisUrl(), logger, lifecycle, { registry, role: 'start' });
      const before = await scrape();
      expect(sampleValue(before, 'onboarding_redis_up')).toBe(1);
      expect(sampleValue(before, 'onboarding_breaker_state', { state: 'closed' })).toBe(1);
      expect(
        sampleValue(before, 'onboarding_jobs_finished_total', { outcome: 'pending', reason_code: 'none' }),
      ).toBe(0);
      expect(before.types.get('process_cpu_user_seconds_total')).toBe('COUNTER');
      expect(before.types.get('nodejs_eventloop_lag_seconds')).toBe('GAUGE');

      const ids = businessIds(2, 3_600_000);
      const accepted: string[] = [];
      for (const id of ids) {
        const response = await http.request('/v1/onboardings', jsonInit(minimalPayload(id)));
        accepted.push(((await response.json()) as { jobId: string }).jobId);
      }
      const invalid = {
        customer_info: { business_id: '1234567-8' },
        contact_person: { email: 'x@example.com' },
      };
      const invalidId = onboardingJobId(invalid);
      await onboarding.add(
        JOB_NAMES.onboardCustomer,
        { payload: invalid, receivedAt: new Date().toISOString(), deliveryId: 'raw' },
        { jobId: invalidId, attempts: 2 },
      );
      // The invalid job is removed once its dead letter is written.
      await waitFor(async () => {
        const states = await Promise.all(accepted.map((id) => onboarding.getJobState(id)));
        const recorded = (await deadLetters.getJobCounts('waiting')).waiting === 1;
        const removed = (await onboarding.getJobState(invalidId)) === 'unknown';
        return states.every((state) => state === 'completed') && recorded && removed;
      });
      // Outcome events reach onboarding-events through the outbox relay, moments after the job completes.
      await waitForOutboxDrained(http.connection, prefix);

      const after = await scrape();
      expect(
        sampleValue(after, 'onboarding_jobs_finished_total', { outcome: 'pending', reason_code: 'none' }),
      ).toBe(2);
      expect(
        sampleValue(after, 'onboarding_jobs_finished_total', {
          outcome: 'dead_lettered',
          reason_code: 'PAYLOAD_INVALID',
        }),
      ).toBe(1);
      expect(after.types.get('onboarding_ropo_call_duration_seconds')).toBe('HISTOGRAM');
      expect(sampleValue(after, 'onboarding_ropo_call_duration_seconds_count', { status: '200' })).toBe(2);
      expect(
        sampleValue(after, 'onboarding_ropo_call_duration_seconds_bucket', { le: '+Inf', status: '200' }),
      ).toBe(2);
      expect(
        sampleValue(after, 'onboarding_ropo_call_duration_seconds_sum', { status: '200' }),
      ).toBeGreaterThan(0);
      expect(
        sampleValue(after, 'onboarding_queue_jobs', { queue: QUEUE_NAMES.onboarding, state: 'completed' }),
      ).toBe(2);
      expect(
        sampleValue(after, 'onboarding_queue_jobs', { queue: QUEUE_NAMES.onboarding, state: 'failed' }),
      ).toBe(0);
      expect(
        sampleValue(after, 'onboarding_queue_jobs', { queue: QUEUE_NAMES.deadLetter, state: 'waiting' }),
      ).toBe(1);
      expect(
        sampleValue(after, 'onboarding_queue_jobs', { queue: QUEUE_NAMES.events, state: 'waiting' }),
      ).toBe(3);
      expect(sampleValue(after, 'onboarding_worker_breakers', { state: 'closed' })).toBe(1);

      const ready = await http.request('/readyz', { auth: false });
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        ready: true,
        status: 'ready',
        checks: { redis: { ok: true }, workers: { ok: true, count: 1, source: 'client-list' } },
      });

      // Paused (as a ROPO_AUTH alert does): still 200, so intake keeps storing jobs, but it says so and why.
      const pausable = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix });
      await pausable.pause();
      const paused = await http.request('/readyz', { auth: false });
      expect(paused.status).toBe(200);
      const pausedBody = (await paused.json()) as { status: string; reason: string; checks: unknown };
      expect(pausedBody).toMatchObject({ status: 'paused', checks: { queue: { paused: true } } });
      expect(pausedBody.reason).toContain('onboarding resume');
      await pausable.resume();
      await pausable.close();
    } finally {
      await lifecycle.stopAll();
      for (const name of Object.values(QUEUE_NAMES)) {
        const queue = new Queue(name, { connection: http.connection, prefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await onboarding.close();
      await deadLetters.close();
      await http.close();
    }
  });

  it('answers /readyz 503 while no worker consumes the queue', async () => {
    const http = await startHttpHarness();
    try {
      const response = await http.request('/readyz', { auth: false });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        ready: false,
        checks: { redis: { ok: true }, workers: { count: 0 } },
      });
      const health = await http.request('/healthz', { auth: false });
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      await http.close();
    }
  });
});

describe('the standalone worker metrics server (METRICS_PORT)', () => {
  it('serves /metrics and /healthz and nothing else', async () => {
    const registry = createMetricsRegistry();
    const { logger } = captureLogger();
    const server = await listen(createMetricsApp({ registry, logger }), 0, '127.0.0.1');
    try {
      const metrics = await fetch(`${server.url}/metrics`);
      expect(parsePrometheus(await metrics.text()).types.get('process_resident_memory_bytes')).toBe('GAUGE');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const other = await fetch(`${server.url}/v1/onboardings`, { method: 'POST' });
      expect(other.status).toBe(404);
      await other.text();
    } finally {
      await server.close();
    }
  });
});
