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

/**
 * A module's metrics in `registry`, declared from its catalogue (metric name → help text): each
 * one is registered once per registry, so wiring twice never throws.
 */
export function metricsIn<N extends string>(registry: Registry, help: Readonly<Record<N, string>>) {
  const base = (name: N) => ({ name, help: help[name], registers: [registry] });
  return {
    counter: <L extends string>(name: N, labelNames: readonly L[] = []): Counter<L> =>
      metricOnce(registry, name, () => new Counter({ ...base(name), labelNames })),
    gauge: <L extends string>(name: N, labelNames: readonly L[] = []): Gauge<L> =>
      metricOnce(registry, name, () => new Gauge({ ...base(name), labelNames })),
    histogram: <L extends string>(name: N, labelNames: readonly L[], buckets: number[]): Histogram<L> =>
      metricOnce(registry, name, () => new Histogram({ ...base(name), labelNames, buckets })),
  };
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
  const { counter, gauge, histogram } = metricsIn(registry, PIPELINE_METRICS);
  const finished = counter('onboarding_jobs_finished_total', ['outcome', 'reason_code']);
  const failedAttempts = counter('onboarding_attempts_failed_total', ['code']);
  const holds = counter('onboarding_queue_holds_total', ['reason']);
  const heldSeconds = counter('onboarding_queue_held_seconds_total', ['reason']);
  const ropoCalls = histogram('onboarding_ropo_call_duration_seconds', ['status'], ROPO_BUCKETS);
  const breaker = gauge('onboarding_breaker_state', ['state']);
  const transitions = counter('onboarding_breaker_transitions_total', ['state']);
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

/** The worker's metrics and their help text. */
const PIPELINE_METRICS = {
  onboarding_jobs_finished_total:
    'Onboarding jobs that reached an outcome, by outcome and dead-letter reason code',
  onboarding_attempts_failed_total:
    'Failed attempts (each one is retried, or dead-lettered if it was the last), by error code',
  onboarding_queue_holds_total:
    'Times the worker held the whole queue instead of spending an attempt, by reason',
  onboarding_queue_held_seconds_total: 'Seconds of queue holds requested, by reason',
  onboarding_ropo_call_duration_seconds:
    "Duration of calls to Ropo One's createprofile, by HTTP status ('error' when no answer came)",
  onboarding_breaker_state:
    "1 for this process's current circuit-breaker state toward Ropo One, 0 for the others",
  onboarding_breaker_transitions_total: 'Circuit-breaker state changes, by the state entered',
};
