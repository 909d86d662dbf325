import type { Registry } from 'prom-client';
import { metricsIn } from '../pipeline/prometheus-observer';

/** What the delivery side reports; a no-op when no registry is given. */
export interface DeliveryObserver {
  attempt(sink: string, result: 'delivered' | 'failed' | 'given_up'): void;
  /** Seconds from the outcome (the event's `time`) to the sink's acknowledgement. */
  latency(sink: string, seconds: number): void;
  sinkEnabled(sink: string, enabled: boolean): void;
}

// Outcome to sink: sub-second when all is well, hours to days when a receiver was down.
const LATENCY_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21_600, 86_400, 259_200,
];

/** Delivery metrics in `registry`: attempts by sink and result, latency by sink, sink state. */
export function createDeliveryMetrics(registry: Registry): DeliveryObserver {
  const { counter, gauge, histogram } = metricsIn(registry, DELIVERY_METRICS);
  const attempts = counter('onboarding_sink_deliveries_total', ['sink', 'result']);
  const latency = histogram('onboarding_sink_delivery_latency_seconds', ['sink'], LATENCY_BUCKETS);
  const enabled = gauge('onboarding_sink_enabled', ['sink']);
  return {
    attempt: (sink, result) => attempts.inc({ sink, result }),
    latency: (sink, seconds) => latency.observe({ sink }, seconds),
    sinkEnabled: (sink, on) => enabled.set({ sink }, on ? 1 : 0),
  };
}

/** The delivery metrics and their help text. */
const DELIVERY_METRICS = {
  onboarding_sink_deliveries_total:
    'Delivery attempts by sink and result (delivered, failed = will retry, given_up = failed for SINK_DISABLE_AFTER)',
  onboarding_sink_delivery_latency_seconds:
    "Seconds from the outcome (the event's time) to the sink's acknowledgement, by sink",
  onboarding_sink_enabled: 'Whether a sink is enabled (1) or disabled (0), as this process last saw it',
};

/** An observer that records nothing. */
export const NO_DELIVERY_METRICS: DeliveryObserver = {
  attempt: () => undefined,
  latency: () => undefined,
  sinkEnabled: () => undefined,
};
