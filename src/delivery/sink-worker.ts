import { trace } from '@opentelemetry/api';
import { UnrecoverableError, Worker, type Job, type Telemetry } from 'bullmq';
import type { OnboardingEvent } from '../contracts/events';
import type { Logger } from '../logger';
import { createBackoffStrategy } from '../pipeline/backoff';
import type { RedisClient } from '../queues/connection';
import { firstAttemptAt, recordAttempt, type DeliveryAttempt } from './delivery-attempt';
import type { DeliveryObserver } from './delivery-metrics';
import type { SinkConfig } from './sink-config';
import type { SinkControl } from './sink-control';
import { SinkDeliveryError } from './sink-delivery-error';
import { decideFailure } from './sink-health';
import { sinkQueueName } from './sink-queues';
import type { SinkStateStore } from './sink-state-store';
import { describeError, type SinkTransport } from './sink-transport';
import { isRedisConnectionError, type RedisOutageLog } from '../queues/redis-outage-log';

/** Settings of one sink's worker, from config. */
export interface SinkWorkerSettings {
  concurrency: number;
  disableAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retentionMs: number;
}

/** Dependencies of {@link createSinkWorker}; the caller closes the transport and the connection. */
export interface SinkWorkerDeps {
  sink: SinkConfig;
  transport: SinkTransport;
  connection: RedisClient;
  prefix: string;
  store: SinkStateStore;
  control: SinkControl;
  observer: DeliveryObserver;
  logger: Logger;
  /** The process's Redis outage log: connection errors are counted there instead of logged one by one. */
  redisOutage?: RedisOutageLog;
  settings: SinkWorkerSettings;
  /** BullMQ's OpenTelemetry hook when tracing is on: each attempt is a span in the outcome's trace. */
  telemetry?: Telemetry;
}

/** Span attributes of a delivery attempt: ids, codes and statuses only. */
export const DELIVERY_SPAN_ATTRIBUTES = {
  sink: 'onboarding.sink',
  eventId: 'onboarding.event_id',
  eventType: 'onboarding.event_type',
  businessId: 'onboarding.business_id',
  attempt: 'onboarding.attempt',
  result: 'onboarding.delivery.result',
  status: 'onboarding.delivery.status',
} as const;

/**
 * Delivers one sink's queue. A failure is retried by BullMQ with the project's jittered backoff
 * (honouring Retry-After); a sink that fails without a single success for SINK_DISABLE_AFTER
 * disables itself with an ALERT, and its events wait for an operator to enable it again.
 */
export function createSinkWorker(deps: SinkWorkerDeps): Worker<OnboardingEvent> {
  const { sink, transport, store, observer, logger, settings } = deps;
  const log = logger.child({ sink: sink.name, sinkType: sink.type });

  const process = async (job: Job<OnboardingEvent>) => {
    const event = job.data;
    const started = Date.now();
    const attempt = job.attemptsMade + 1;
    // BullMQ's consume span for this attempt, when tracing is on; a no-op span otherwise.
    const span = trace.getActiveSpan();
    span?.setAttributes({
      [DELIVERY_SPAN_ATTRIBUTES.sink]: sink.name,
      [DELIVERY_SPAN_ATTRIBUTES.eventId]: event.id,
      [DELIVERY_SPAN_ATTRIBUTES.eventType]: event.type,
      [DELIVERY_SPAN_ATTRIBUTES.businessId]: event.subject ?? '',
      [DELIVERY_SPAN_ATTRIBUTES.attempt]: attempt,
    });
    /** Puts the attempt's result on its span and in the job's log; returns how long it took. */
    const settle = async ({
      result,
      status,
      answer,
    }: Pick<DeliveryAttempt, 'result' | 'status' | 'answer'>): Promise<number> => {
      span?.setAttribute(DELIVERY_SPAN_ATTRIBUTES.result, result);
      if (status !== undefined) span?.setAttribute(DELIVERY_SPAN_ATTRIBUTES.status, status);
      const durationMs = Date.now() - started;
      await recordAttempt(job, {
        at: new Date(started).toISOString(),
        attempt,
        result,
        status,
        durationMs,
        answer,
      });
      return durationMs;
    };
    try {
      const receipt = await transport.send(event);
      const durationMs = await settle({
        result: 'delivered',
        status: receipt.status,
        answer: receipt.answer,
      });
      await store.markHealthy(sink.name, Date.now());
      observer.attempt(sink.name, 'delivered');
      const outcomeMs = Date.parse(event.time);
      if (Number.isFinite(outcomeMs)) observer.latency(sink.name, Math.max(0, Date.now() - outcomeMs) / 1000);
      log.info('event delivered', { eventId: event.id, eventType: event.type, attempt, durationMs });
      return { deliveredAt: new Date().toISOString(), attempt };
    } catch (error) {
      const failure =
        error instanceof SinkDeliveryError ? error : new SinkDeliveryError(describeError(error));
      const durationMs = await settle({ result: 'failed', status: failure.status, answer: failure.message });
      const now = Date.now();
      // The event has failed since its first attempt, not since it was queued: a backlog (or a slow
      // start) must not make it look older than the sink's own run of failures, or an event of a
      // sink that only ever fails would be given up before the sink is disabled. The store dates the
      // run from the events' first attempts (not from when the first failure ended: under load an
      // attempt that started first can fail last), and both from the last enable at the earliest.
      const firstAttemptMs =
        attempt === 1 ? started : ((await firstAttemptAt(deps.connection, job, attempt)) ?? job.timestamp);
      const { failingSinceMs, eventFailingSinceMs } = await store.markFailing(sink.name, firstAttemptMs);
      const verdict = decideFailure({
        nowMs: now,
        failingSinceMs,
        eventFirstAttemptMs: eventFailingSinceMs,
        disableAfterMs: settings.disableAfterMs,
      });
      log.warn('delivery attempt failed', {
        eventId: event.id,
        attempt,
        status: failure.status,
        durationMs,
        verdict,
      });
      const reason = `no successful delivery since ${new Date(failingSinceMs).toISOString()}`;
      if (verdict === 'disable-sink' && (await deps.control.disable(sink.name, 'auto', reason))) {
        observer.sinkEnabled(sink.name, false);
        log.error('ALERT sink disabled after failing for SINK_DISABLE_AFTER; its events wait', {
          alert: 'SINK_DISABLED',
          reason,
          disableAfterMs: settings.disableAfterMs,
          hint: `onboarding sinks enable ${sink.name}`,
        });
      }
      if (verdict === 'give-up-event') {
        observer.attempt(sink.name, 'given_up');
        log.error('event given up: the sink took others but not this one for SINK_DISABLE_AFTER', {
          alert: 'EVENT_GIVEN_UP',
          eventId: event.id,
          hint: `onboarding sinks replay ${sink.name} --since <duration>`,
        });
        throw new UnrecoverableError(failure.message);
      }
      observer.attempt(sink.name, 'failed');
      throw failure;
    }
  };

  const worker = new Worker<OnboardingEvent>(sinkQueueName(sink.name), process, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: settings.concurrency,
    telemetry: deps.telemetry,
    // Delivered events leave Redis after the retention; given-up ones stay until replayed or purged.
    removeOnComplete: { age: Math.ceil(settings.retentionMs / 1000) },
    settings: {
      backoffStrategy: createBackoffStrategy({
        baseMs: settings.backoffBaseMs,
        maxMs: settings.backoffMaxMs,
      }),
    },
  });
  worker.on('error', (error) => {
    if (deps.redisOutage && isRedisConnectionError(error)) deps.redisOutage.error(error, 'sink worker');
    else log.error('sink worker error', { error: describeError(error) });
  });
  return worker;
}
