import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { onboardingJobId, type OnboardingJobData } from '../contracts/onboarding-job';
import { validatePayload } from '../contracts/validate-payload';
import { PayloadInvalidError } from '../errors/payload-invalid-error';
import { createRedisConnection, type RedisClient } from './connection';
import { onboardingJobOptions } from './job-options';
import { JOB_NAMES, QUEUE_NAMES } from './queue-names';
import { redisScript } from './redis-script';

// 1 when the job hash's data holds this delivery's id. Searched in Redis, so an enqueue reads back
// one integer instead of the whole payload.
const HOLDS_DELIVERY = redisScript(`
local data = redis.call('HGET', KEYS[1], 'data')
if data and string.find(data, ARGV[1], 1, true) then return 1 end
return 0
`);

const deliveryMarker = (deliveryId: string): string => `"deliveryId":"${deliveryId}"`;

/** Options for {@link createOnboardingProducer}. */
export interface OnboardingProducerOptions {
  /** A Redis URL (the producer opens and closes its own connection) or a client the caller owns. */
  connection: string | RedisClient;
  prefix?: string;
  attempts?: number;
}

/** Per-job metadata a producer may give. */
export interface EnqueueOptions {
  eventId?: string;
  source?: string;
  replayOf?: string;
  replayCount?: number;
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
    defaultJobOptions: onboardingJobOptions({ attempts: options.attempts ?? 8 }),
  });
  // A failed add rejects and the caller answers for it; the event would only print the error again.
  queue.on('error', () => undefined);

  const prepare = (payload: unknown, meta: EnqueueOptions = {}) => {
    const validation = validatePayload(payload);
    if (!validation.ok) throw new PayloadInvalidError(validation.errors);
    const data: OnboardingJobData = {
      payload,
      receivedAt: new Date().toISOString(),
      deliveryId: randomUUID(),
      ...meta,
    };
    return { name: JOB_NAMES.onboardCustomer, data, opts: { jobId: onboardingJobId(payload, meta.eventId) } };
  };

  // BullMQ answers an add with an existing id silently, so read back which delivery the stored job
  // holds. The delivery id is a fresh UUID, so finding it in the stored JSON is proof enough and
  // spares parsing a whole payload per job.
  const storedByThisDelivery = async (jobs: { data: OnboardingJobData; opts: { jobId: string } }[]) => {
    const pipeline = connection.pipeline();
    for (const job of jobs) pipeline.hget(queue.toKey(job.opts.jobId), 'data');
    const replies = (await pipeline.exec()) ?? [];
    return jobs.map((job, i) => {
      const [error, raw] = replies[i] ?? [null, null];
      return !error && typeof raw === 'string' && raw.includes(deliveryMarker(job.data.deliveryId));
    });
  };

  const results = async (jobs: { data: OnboardingJobData; opts: { jobId: string } }[]) => {
    const created = await storedByThisDelivery(jobs);
    return jobs.map((job, i) => ({ jobId: job.opts.jobId, created: created[i] === true }));
  };

  return {
    async enqueue(payload, meta) {
      const job = prepare(payload, meta);
      await queue.add(job.name, job.data, job.opts);
      const holds = await HOLDS_DELIVERY(
        connection,
        [queue.toKey(job.opts.jobId)],
        [deliveryMarker(job.data.deliveryId)],
      );
      return { jobId: job.opts.jobId, created: holds === 1 };
    },
    async enqueueMany(items) {
      const jobs = items.map((item) => prepare(item.payload, item.options));
      await queue.addBulk(jobs);
      return results(jobs);
    },
    async close() {
      await queue.close();
      if (ownsConnection) await connection.quit().catch(() => connection.disconnect());
    },
  };
}
