import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Funnel } from '../queues/customer-funnel';
import { metricOnce } from './metrics';

/** Hours to weeks: customers take their time in Ropo's wizard. */
const ACTIVATION_BUCKETS = [
  60,
  600,
  3600,
  6 * 3600,
  86_400,
  2 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
];

/** Metrics of Ropo's activation callback: activations by match, and the time from enqueue to activation. */
export function createActivationMetrics(registry: Registry, readFunnel?: () => Promise<Funnel>) {
  if (readFunnel) {
    metricOnce(
      registry,
      'onboarding_customers',
      () =>
        new Gauge({
          name: 'onboarding_customers',
          help: 'Customers per stage of the journey (received, created, pending, activated, dead_lettered, wizard_stalled), read from Redis at scrape time',
          labelNames: ['stage'],
          registers: [registry],
          // Read from Redis, the same in every process of a cluster: taken once, not summed.
          aggregator: 'first',
          async collect() {
            const funnel = await readFunnel().catch(() => undefined);
            this.reset();
            if (!funnel) return;
            this.set({ stage: 'received' }, funnel.received);
            this.set({ stage: 'created' }, funnel.created);
            this.set({ stage: 'pending' }, funnel.pending);
            this.set({ stage: 'activated' }, funnel.activated);
            this.set({ stage: 'dead_lettered' }, funnel.deadLettered);
            this.set({ stage: 'wizard_stalled' }, funnel.wizardStalled);
          },
        }),
    );
  }
  const activations = metricOnce(
    registry,
    'onboarding_activations_total',
    () =>
      new Counter({
        name: 'onboarding_activations_total',
        help: 'Activations Ropo One delivered and we stored for the first time, by whether they matched a customer',
        labelNames: ['matched'],
        registers: [registry],
      }),
  );
  const sinceEnqueue = metricOnce(
    registry,
    'onboarding_enqueue_to_activation_seconds',
    () =>
      new Histogram({
        name: 'onboarding_enqueue_to_activation_seconds',
        help: 'Time from the first enqueue of a customer to its activation callback',
        buckets: ACTIVATION_BUCKETS,
        registers: [registry],
      }),
  );
  return {
    activated(info: { matched: boolean; sinceEnqueueMs?: number }): void {
      activations.inc({ matched: String(info.matched) });
      if (info.sinceEnqueueMs !== undefined && info.sinceEnqueueMs >= 0)
        sinceEnqueue.observe(info.sinceEnqueueMs / 1000);
    },
  };
}
