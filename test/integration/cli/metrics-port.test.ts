import { serveMetricsPort } from '../../../src/cli/metrics-port';
import type { Lifecycle } from '../../../src/cli/lifecycle';
import { createMetricsRegistry } from '../../../src/pipeline/prometheus-observer';
import { captureLogger } from '../../support/sandbox';

function testLifecycle(): Lifecycle {
  const stops: (() => Promise<void>)[] = [];
  return {
    add: (stop) => void stops.push(stop),
    async stopAll() {
      while (stops.length > 0) await (stops.pop() as () => Promise<void>)();
    },
  };
}

describe('METRICS_PORT for the roles without an HTTP server (worker, deliver, bridge)', () => {
  const { logger } = captureLogger('warn');

  it('serves /metrics there, and the lifecycle stops it', async () => {
    const lifecycle = testLifecycle();
    const registry = createMetricsRegistry();
    const url = await serveMetricsPort(
      { metrics: { port: 0 }, http: { host: '127.0.0.1' } } as never,
      registry,
      logger,
      lifecycle,
    );
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const response = await fetch(url as string);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('process_resident_memory_bytes');
    } finally {
      await lifecycle.stopAll();
    }
    await expect(fetch(url as string)).rejects.toThrow();
  });

  it('serves nothing when METRICS_PORT is unset', async () => {
    const lifecycle = testLifecycle();
    const url = await serveMetricsPort(
      { metrics: {}, http: { host: '127.0.0.1' } } as never,
      createMetricsRegistry(),
      logger,
      lifecycle,
    );
    expect(url).toBeUndefined();
    await lifecycle.stopAll();
  });
});
