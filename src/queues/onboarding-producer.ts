import { randomUUID } from 'node:crypto';
import { Queue, type Telemetry } from 'bullmq';
import { deadLetterJobId } from '../contracts/dead-letter-record';
import { onboardingJobId, type OnboardingJobData } from '../contracts/onboarding-job';
import { validatePayload } from '../contracts/validate-payload';
import { PayloadInvalidError } from '../contracts/payload-invalid-error';
import { createRedisConnection, type RedisClient } from './connection';
import { onboardingJobOptions, queueStreams } from './job-options';
import { JOB_NAMES, QUEUE_NAMES } from './queue-names';
import { luaScript } from './redis-script';

// For each job key, 1 when its hash's data holds that delivery's id (ARGV in the same order), else
// 0. Searched in Redis, so an enqueue reads back one integer per job instead of its whole payload.
// The keys share the queue's prefix, so in a cluster they share a slot, as addBulk already needs.
const HOLD_DELIVERIES = luaScript(__dirname, 'hold-deliveries');
const DEAD_LETTERED = luaScript(__dirname, 'dead-lettered');

const deliveryMarker = (deliveryId: string): string => `"deliveryId":"${deliveryId}"`;

/** Options for {@link createOnboardingProducer}. */
export interface OnboardingProducerOptions {
  /** A Redis URL (the producer opens and closes its own connection) or a client the caller owns. */
  connection: string | RedisClient;
  prefix?: string;
  attempts?: number;
  /** BullMQ telemetry (bullmq-otel) when tracing is on: the job continues the caller's trace. */
  telemetry?: Telemetry;
}

/** Per-job metadata a producer may give. */
export interface EnqueueOptions {
  eventId?: string;
  source?: string;
  replayOf?: string;
  replayCount?: number;
  /** The job id, for replays (`rp-<original>-<n>`); by default the event id, else the payload's hash. */
  jobId?: string;
  /**
   * The trace this job continues, as BullMQ telemetry metadata, when it is not the active one: a
   * batch stored on behalf of many messages, each with its own trace. Not part of the job's data.
   */
  telemetryMetadata?: string;
}

/** What happened to one enqueue. */
export interface EnqueueResult {
  jobId: string;
  /** False when a job with this id already existed (a duplicate delivery): nothing new was stored. */
  created: boolean;
}

/** Puts validated onboarding jobs on the queue. */
export interface OnboardingProducer {
  /** Validates, then enqueues; throws {@link PayloadInvalidError} without enqueueing when invalid. */
  enqueue(payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Enqueues many valid payloads in one round trip (`addBulk`); validates all first. */
  enqueueMany(items: { payload: unknown; options?: EnqueueOptions }[]): Promise<EnqueueResult[]>;
  close(): Promise<void>;
}

/** The library entry for producers: `createOnboardingProducer({connection}).enqueue(payload, {eventId, source})`. */
export function createOnboardingProducer(options: OnboardingProducerOptions): OnboardingProducer {
  const ownsConnection = typeof options.connection === 'string';
  const connection =
    typeof options.connection === 'string'
      ? createRedisConnection(options.connection, 'producer')
      : options.connection;
  const queue = new Queue<OnboardingJobData>(QUEUE_NAMES.onboarding, {
    connection,
    prefix: options.prefix ?? 'bull',
    telemetry: options.telemetry,
    streams: queueStreams(),
    defaultJobOptions: onboardingJobOptions({ attempts: options.attempts ?? 8 }),
  });
  // A failed add rejects and the caller answers for it; the event would only print the error again.
  queue.on('error', () => undefined);

  const prepare = (payload: unknown, { jobId, telemetryMetadata, ...meta }: EnqueueOptions = {}) => {
    const validation = validatePayload(payload);
    if (!validation.ok) throw new PayloadInvalidError(validation.errors);
    const data: OnboardingJobData = {
      payload,
      receivedAt: new Date().toISOString(),
      deliveryId: randomUUID(),
      ...meta,
    };
    return {
      name: JOB_NAMES.onboardCustomer,
      data,
      opts: {
        jobId: jobId ?? onboardingJobId(payload, meta.eventId),
        ...(telemetryMetadata ? { telemetry: { metadata: telemetryMetadata } } : {}),
      },
    };
  };

  // BullMQ answers an add with an existing id silently, so read back which delivery the stored job
  // holds. The delivery id is a fresh UUID, so finding it in the stored JSON is proof enough.
  const results = async (jobs: { data: OnboardingJobData; opts: { jobId: string } }[]) => {
    const held = (await HOLD_DELIVERIES(
      connection,
      jobs.map((job) => queue.toKey(job.opts.jobId)),
      jobs.map((job) => deliveryMarker(job.data.deliveryId)),
    )) as number[];
    return jobs.map((job, i) => ({ jobId: job.opts.jobId, created: held[i] === 1 }));
  };

  // A dead-lettered job is removed once its record is written, so the record is what tells a
  // duplicate delivery of it: the same id is not added again (replays use their own `rp-` ids).
  const deadLetterKey = (jobId: string): string =>
    `${queue.opts.prefix}:${QUEUE_NAMES.deadLetter}:${deadLetterJobId(jobId)}`;
  const deadLettered = async (jobs: { opts: { jobId: string } }[]): Promise<boolean[]> => {
    const found = (await DEAD_LETTERED(
      connection,
      jobs.map((job) => deadLetterKey(job.opts.jobId)),
      [],
    )) as number[];
    return jobs.map((_job, i) => found[i] === 1);
  };

  return {
    async enqueue(payload, meta) {
      const job = prepare(payload, meta);
      if ((await deadLettered([job]))[0]) return { jobId: job.opts.jobId, created: false };
      await queue.add(job.name, job.data, job.opts);
      const [result] = await results([job]);
      return result as EnqueueResult;
    },
    async enqueueMany(items) {
      const jobs = items.map((item) => prepare(item.payload, item.options));
      const known = await deadLettered(jobs);
      const fresh = jobs.filter((_job, i) => !known[i]);
      if (fresh.length > 0) await queue.addBulk(fresh);
      const added = fresh.length > 0 ? await results(fresh) : [];
      let next = 0;
      return jobs.map((job, i) =>
        known[i] ? { jobId: job.opts.jobId, created: false } : (added[next++] as EnqueueResult),
      );
    },
    async close() {
      await queue.close();
      if (ownsConnection) await connection.quit().catch(() => connection.disconnect());
    },
  };
}
