import type { Queue, Telemetry, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { createTransport } from './create-transport';
import { createDeliveryMetrics, NO_DELIVERY_METRICS } from './delivery-metrics';
import { createFanOutWorker } from './fan-out-worker';
import type { SinkConfig } from './sink-config';
import { createSinkControl, type SinkControl } from './sink-control';
import { openSinkQueue } from './sink-queues';
import { createSinkStateStore } from './sink-state-store';
import type { SinkTransport } from './sink-transport';
import { createSinkWorker, type SinkWorkerSettings } from './sink-worker';

/** Dependencies of {@link startDelivery}; the connection stays the caller's to close. */
export interface DeliveryDeps {
  connection: RedisClient;
  prefix: string;
  sinks: SinkConfig[];
  logger: Logger;
  registry?: Registry;
  settings: SinkWorkerSettings & { timeoutMs: number };
  /** BullMQ's OpenTelemetry hook, when tracing is on: deliveries continue the outcome's trace. */
  telemetry?: Telemetry;
  /** Replaces a sink's transport (tests only use this to wrap the real one). */
  transportFor?: (sink: SinkConfig) => SinkTransport;
}

/** The running delivery role. */
export interface Delivery {
  control: SinkControl;
  close(): Promise<void>;
}

/** Starts the fan-out worker and one worker per sink. */
export async function startDelivery(deps: DeliveryDeps): Promise<Delivery> {
  const { connection, prefix, sinks, logger, settings, telemetry } = deps;
  const observer = deps.registry ? createDeliveryMetrics(deps.registry) : NO_DELIVERY_METRICS;
  const store = createSinkStateStore(connection, prefix);
  const control = createSinkControl(connection, prefix, sinks);
  const queues = new Map<string, Queue>(
    sinks.map((s) => [s.name, openSinkQueue(s.name, connection, prefix, telemetry)]),
  );
  const transports: SinkTransport[] = [];
  const workers: Worker[] = [];

  for (const sink of sinks) {
    const state = await store.get(sink.name);
    observer.sinkEnabled(sink.name, state.enabled);
    if (!state.enabled) {
      logger.warn('sink is disabled; its events wait until `onboarding sinks enable`', {
        sink: sink.name,
        disabledBy: state.disabledBy,
        reason: state.reason,
      });
    }
    const transport = deps.transportFor?.(sink) ?? createTransport(sink, { timeoutMs: settings.timeoutMs });
    transports.push(transport);
    workers.push(
      createSinkWorker({
        sink,
        transport,
        connection,
        prefix,
        store,
        control,
        observer,
        logger,
        settings,
        telemetry,
      }),
    );
  }
  workers.push(
    createFanOutWorker({
      connection,
      prefix,
      sinks,
      queues,
      logger,
      retentionMs: settings.retentionMs,
      telemetry,
    }),
  );
  logger.info('delivery started', { sinks: sinks.map((s) => ({ name: s.name, type: s.type })) });

  return {
    control,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(transports.map((t) => t.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await control.close();
    },
  };
}
