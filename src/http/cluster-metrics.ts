import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSource } from './metrics-router';

const REQUEST = 'onboarding:metrics-request';
const RESPONSE = 'onboarding:metrics-response';
/** prom-client's own wait for every process is 5 s; ours covers it and the two extra hops. */
const TIMEOUT_MS = 7_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  contentType?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * In the cluster primary: answers a serving process's request for the metrics of all of them,
 * gathered by prom-client's AggregatorRegistry (counters summed, Redis-read gauges taken once).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text, contentType: aggregator.contentType }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * In a serving process of the cluster: offers `registry` to the primary's aggregation and returns
 * the source /metrics answers from, the metrics of every process, whichever one Prometheus reaches.
 */
export function clusterMetricsSource(registry: Registry): MetricsSource {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener for the primary's requests in this process.
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, (response: MetricsResponse) => void>();
  process.on('message', (message: unknown) => {
    if (isMessage<MetricsResponse>(message, RESPONSE)) pending.get(message.id)?.(message);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the cluster primary did not answer for metrics in time'));
      }, TIMEOUT_MS);
      pending.set(id, (response) => {
        clearTimeout(timer);
        pending.delete(id);
        if (response.text !== undefined && response.contentType !== undefined) {
          resolve({ text: response.text, contentType: response.contentType });
        } else {
          reject(new Error(`cluster metrics failed: ${response.error ?? 'no answer'}`));
        }
      });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
