import { Queue, Worker } from 'bullmq';
import type { Config } from '../config';
import type { OnboardingJobData, OnboardingJobResult } from '../contracts/onboarding-job';
import type { Logger } from '../logger';
import { createBackoffStrategy } from '../pipeline/backoff';
import { createCallSpacing } from '../pipeline/call-spacing';
import { createRopoBreaker } from '../pipeline/circuit-breaker';
import { createOnboardingProcessor, type ProcessorDeps } from '../pipeline/onboarding-processor';
import { createProfileUuidStamp } from '../pipeline/profile-uuid-stamp';
import { createProfileUuidIndex } from '../queues/profile-uuids';
import { createDeadLettering } from '../pipeline/dead-lettering';
import { NO_OBSERVER, type PipelineObserver } from '../pipeline/pipeline-observer';
import { createQueueControl } from '../pipeline/queue-control';
import { createAttemptLog } from '../queues/attempt-log';
import { forgetBreaker, reportBreaker, workerName } from '../queues/breaker-registry';
import type { RedisClient } from '../queues/connection';
import { createDeadLetterWriter } from '../queues/dead-letter-queue';
import { createEventOutbox } from '../queues/event-outbox';
import { createEventPublisher } from '../queues/event-publisher';
import { createLedger } from '../queues/onboarding-ledger';
import { queueStreams } from '../queues/job-options';
import { stripCompletedJob } from '../queues/payload-retention';
import { QUEUE_NAMES } from '../queues/queue-names';
import type { RopoClient } from '../ropo/ropo-client';
import type { Tracing } from '../telemetry/tracing';
import { traceLedger, traceProcessor } from '../pipeline/traced-processor';
import { isRedisConnectionError, RedisOutageLog } from '../queues/redis-outage-log';

/** What a running worker exposes to its owner. */
export interface OnboardingWorker {
  worker: Worker<OnboardingJobData, OnboardingJobResult>;
  breakerState(): string;
  /** Jobs this worker is running now (started and not yet completed or failed). */
  inFlight(): number;
  /** Stops fetching, lets in-flight jobs finish (up to the shutdown timeout), closes its queues. */
  close(): Promise<void>;
}

/** Dependencies of {@link createWorker}; the connection and the Ropo client stay the caller's to close. */
export interface WorkerDeps {
  connection: RedisClient;
  ropo: RopoClient;
  logger: Logger;
  config: Pick<Config, 'redis' | 'worker' | 'retry' | 'breaker'> & {
    /** `target` namespaces the ledger: the Ropo One that `ropo` talks to. */
    ropo: Pick<Config['ropo'], 'target'>;
    activation?: Pick<Config['activation'], 'profileUuidNamespace'>;
    /** COMPLETED_RETENTION; unset: 30 days. */
    retention?: Pick<Config['retention'], 'completed'>;
  };
  /** Overrides of the processor's waits, for tests. */
  timing?: ProcessorDeps['timing'];
  /** Metrics hooks (the Ropo client's `onCall` is the caller's to wire). */
  observer?: PipelineObserver;
  /** Tracing, when switched on; off by default. */
  tracing?: Tracing;
  /** The process's Redis outage log (connection errors are counted there, not logged one by one); default its own. */
  redisOutage?: RedisOutageLog;
}

/** Wires the onboarding processor to a BullMQ Worker: concurrency, global limiter, backoff, stalled checks. */
export function createWorker({
  connection,
  ropo,
  logger,
  config,
  timing,
  observer,
  tracing,
  redisOutage,
}: WorkerDeps): OnboardingWorker {
  const telemetry = tracing?.enabled ? tracing.bullmq : undefined;
  const prefix = config.redis.prefix;
  const name = workerName();
  const onboardingQueue = new Queue(QUEUE_NAMES.onboarding, {
    connection,
    prefix,
    telemetry,
    streams: queueStreams(),
  });
  const events = createEventPublisher(connection, prefix, telemetry);
  const deadLetters = createDeadLetterWriter(connection, prefix);
  const breaker = createRopoBreaker({
    threshold: config.breaker.threshold,
    halfOpenAfterMs: config.breaker.halfOpenAfterMs,
    logger,
    onStateChange: (state) => {
      observer?.breakerChanged(state);
      reportBreaker(connection, prefix, name, state).catch((error: unknown) =>
        logger.warn('could not report breaker', { error }),
      );
    },
  });
  const attempts = createAttemptLog(onboardingQueue);
  // Outcome events are written to an outbox by the ledger's settle script and moved to
  // `onboarding-events` in batches, off the per-job path (see src/queues/event-outbox.ts).
  const outbox = createEventOutbox(connection, prefix, { telemetry, logger });
  const plainLedger = createLedger(connection, prefix, config.ropo.target, { outbox });
  const ledger = tracing?.enabled ? traceLedger(plainLedger, tracing.tracer) : plainLedger;
  const untracedProcessor = createOnboardingProcessor({
    ropo,
    // Every createprofile carries a profile_uuid, so Ropo's activation callback can be matched back;
    // the ledger's claim records it in the same round trip.
    profileUuids: createProfileUuidStamp(
      createProfileUuidIndex(connection, prefix, config.activation?.profileUuidNamespace),
    ),
    events,
    deadLetters,
    attempts,
    ledger,
    breaker,
    control: createQueueControl(onboardingQueue),
    spacing: createCallSpacing(connection, prefix, config.worker.rateLimit, { logger }),
    logger,
    timing,
    observer,
  });
  const processor = tracing?.enabled ? traceProcessor(untracedProcessor) : untracedProcessor;
  const deadLettering = createDeadLettering({
    events,
    deadLetters,
    attempts,
    ledger,
    logger,
    observer: observer ?? NO_OBSERVER,
    queue: onboardingQueue,
  });

  const worker = new Worker<OnboardingJobData, OnboardingJobResult>(QUEUE_NAMES.onboarding, processor, {
    connection,
    prefix,
    name,
    telemetry,
    concurrency: config.worker.concurrency,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalledCount,
    // Completed jobs (stripped to a stub) stay for status look-ups and duplicate deliveries.
    removeOnComplete: {
      age: Math.ceil((config.retention?.completed.ageMs ?? 30 * 86_400_000) / 1000),
      count: config.retention?.completed.count,
    },
    // The limiter lives in Redis, so the cap holds across every worker process together. It stays
    // although call-spacing.ts spreads the calls: BullMQ's rate-limiting guide makes `limiter.max`
    // what lets a worker honour `queue.rateLimit(ms)` holds (429 and breaker pauses).
    limiter: { max: config.worker.rateLimit.max, duration: config.worker.rateLimit.durationMs },
    settings: {
      backoffStrategy: createBackoffStrategy({
        baseMs: config.retry.backoffBaseMs,
        maxMs: config.retry.backoffMaxMs,
      }),
    },
  });
  // ioredis and BullMQ report every failed reconnect, on each connection: one outage, a few lines.
  const outage = redisOutage ?? new RedisOutageLog({ sink: logger });
  const onError = (source: string) => (error: Error) => {
    if (isRedisConnectionError(error)) outage.error(error, source);
    else logger.error(`${source} error`, { error });
  };
  worker.on('error', onError('worker'));
  onboardingQueue.on('error', onError('queue'));
  connection.on('ready', () => outage.available());
  worker.on('stalled', (jobId) => logger.warn('job stalled; it will run again', { jobId }));
  // BullMQ fails a job that stalled too often without running the processor, and an error can
  // escape the processor on a last attempt: either way the job still gets its dead letter.
  // Once failed and recorded, the job goes: the dead letter is the one place holding its payload.
  worker.on('failed', (job, error) => {
    if (!job) return;
    deadLettering
      .recordUnhandledFailure(job, error)
      .then(() => deadLettering.removeRecorded(job))
      .catch((failure: unknown) =>
        logger.error('could not dead-letter a failed job', { jobId: job.id, error: failure }),
      );
  });
  // The outcome is recorded (ledger, event, return value): the payload is no longer needed.
  worker.on('completed', (job) => {
    stripCompletedJob(job).catch((failure: unknown) =>
      logger.warn('could not strip a completed job; the retention sweep will', {
        jobId: job.id,
        error: failure,
      }),
    );
  });
  reportBreaker(connection, prefix, name, 'closed').catch(() => undefined);
  // Counted from the worker's own events, so the shutdown deadline can say truly whether it abandons jobs.
  let running = 0;
  worker.on('active', () => void running++);
  const settled = (): void => void (running = Math.max(0, running - 1));
  worker.on('completed', settled);
  worker.on('failed', settled);
  outbox.start();

  let closing: Promise<void> | undefined;
  return {
    worker,
    breakerState: () => breaker.state(),
    inFlight: () => running,
    close() {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(resolve, config.worker.shutdownTimeoutMs, 'timeout');
        });
        const outcome = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          // Idle, a close still hangs when Redis is unreachable: say which case this is.
          const inFlight = running;
          if (inFlight > 0) {
            logger.warn('shutdown deadline passed with jobs in flight; they will run again as stalled jobs', {
              inFlight,
              shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
            });
          } else {
            logger.warn(
              'shutdown deadline passed with no job in flight; closing did not finish (is Redis reachable?)',
              {
                inFlight,
                shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
              },
            );
          }
          await worker.close(true);
        }
        await forgetBreaker(connection, prefix, name).catch(() => undefined);
        await outbox
          .close()
          .catch((error: unknown) =>
            logger.warn('outbox not flushed on close; its entries move with the next sweep', { error }),
          );
        await Promise.all([events.close(), deadLetters.close(), onboardingQueue.close()]);
      })();
      return closing;
    },
  };
}
