import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { PipelineObserver } from './pipeline-observer';
import type { BreakerState } from './circuit-breaker';

/**
 * A registry with Node's default process metrics; each process makes one and passes it around.
 * `processLabels` go on those process metrics only (which of several HTTP processes answered);
 * the queue metrics read Redis and are the same whichever process answers.
 */
export function createMetricsRegistry(processLabels?: Record<string, string>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, labels: processLabels });
  return registry;
}

/** Returns the registry's metric of that name, or registers the one `create` makes (so wiring twice never throws). */
export function metricOnce<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open'];

/** Seconds buckets for calls to Ropo One: its normal answers take tens to hundreds of ms, the timeout is 15 s. */
const ROPO_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

/**
 * The worker's {@link PipelineObserver} as Prometheus metrics in `registry`: outcomes by reason,
 * failed attempts (retries) by error code, queue holds, Ropo One call latency by status, and this
 * process's breaker state.
 */
export function createPrometheusObserver(registry: Registry): PipelineObserver {
  const registers = [registry];
  const finished = metricOnce(
    registry,
    'onboarding_jobs_finished_total',
    () =>
      new Counter({
        name: 'onboarding_jobs_finished_total',
        help: 'Onboarding jobs that reached an outcome, by outcome and dead-letter reason code',
        labelNames: ['outcome', 'reason_code'],
        registers,
      }),
  );
  const failedAttempts = metricOnce(
    registry,
    'onboarding_attempts_failed_total',
    () =>
      new Counter({
        name: 'onboarding_attempts_failed_total',
        help: 'Failed attempts (each one is retried, or dead-lettered if it was the last), by error code',
        labelNames: ['code'],
        registers,
      }),
  );
  const holds = metricOnce(
    registry,
    'onboarding_queue_holds_total',
    () =>
      new Counter({
        name: 'onboarding_queue_holds_total',
        help: 'Times the worker held the whole queue instead of spending an attempt, by reason',
        labelNames: ['reason'],
        registers,
      }),
  );
  const heldSeconds = metricOnce(
    registry,
    'onboarding_queue_held_seconds_total',
    () =>
      new Counter({
        name: 'onboarding_queue_held_seconds_total',
        help: 'Seconds of queue holds requested, by reason',
        labelNames: ['reason'],
        registers,
      }),
  );
  const ropoCalls = metricOnce(
    registry,
    'onboarding_ropo_call_duration_seconds',
    () =>
      new Histogram({
        name: 'onboarding_ropo_call_duration_seconds',
        help: "Duration of calls to Ropo One's createprofile, by HTTP status ('error' when no answer came)",
        labelNames: ['status'],
        buckets: ROPO_BUCKETS,
        registers,
      }),
  );
  const breaker = metricOnce(
    registry,
    'onboarding_breaker_state',
    () =>
      new Gauge({
        name: 'onboarding_breaker_state',
        help: "1 for this process's current circuit-breaker state toward Ropo One, 0 for the others",
        labelNames: ['state'],
        registers,
      }),
  );
  const transitions = metricOnce(
    registry,
    'onboarding_breaker_transitions_total',
    () =>
      new Counter({
        name: 'onboarding_breaker_transitions_total',
        help: 'Circuit-breaker state changes, by the state entered',
        labelNames: ['state'],
        registers,
      }),
  );
  const setBreaker = (state: BreakerState): void => {
    for (const each of BREAKER_STATES) breaker.set({ state: each }, each === state ? 1 : 0);
  };
  // A worker starts closed without reporting a change.
  setBreaker('closed');

  return {
    jobFinished(outcome, reasonCode) {
      finished.inc({ outcome, reason_code: reasonCode ?? 'none' });
    },
    attemptFailed(code) {
      failedAttempts.inc({ code });
    },
    queueHeld(reason, ms) {
      holds.inc({ reason });
      heldSeconds.inc({ reason }, ms / 1000);
    },
    ropoCall(status, durationMs) {
      ropoCalls.observe({ status: String(status) }, durationMs / 1000);
    },
    breakerChanged(state) {
      setBreaker(state);
      transitions.inc({ state });
    },
  };
}
