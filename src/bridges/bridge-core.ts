import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { Counter } from 'prom-client';
import { DEAD_LETTER_CODES, type DeadLetterRecord } from '../contracts/dead-letter-record';
import { onboardingJobId, readBusinessId } from '../contracts/onboarding-job';
import { PayloadInvalidError } from '../contracts/payload-invalid-error';
import { validatePayload } from '../contracts/validate-payload';
import { readMessage } from '../intake/read-message';
import { runInSpan, SPAN_ATTRIBUTES } from '../pipeline/traced-processor';
import { messageTraceContext } from '../telemetry/message-context';
import type { EnqueueOptions, EnqueueResult } from '../queues/onboarding-producer';

export { BridgeStoppedError, type BridgeCore, type BridgeCoreDeps, type BridgeOutcome } from './bridge-types';
import { BridgeStoppedError, type BridgeCore, type BridgeCoreDeps, type BridgeOutcome } from './bridge-types';

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 40);

/** The transport-independent half of a bridge. */
export function createBridgeCore(deps: BridgeCoreDeps): BridgeCore {
  const { bridge, producer, deadLetters, logger } = deps;
  const maxRaw = deps.maxRawBytes ?? 64 * 1024;
  const eventTypes = deps.eventTypes ? new Set(deps.eventTypes) : undefined;
  const retryMin = deps.retryMinMs ?? 200;
  const retryMax = deps.retryMaxMs ?? 5000;
  let stopped = false;
  const wakers = new Set<() => void>();

  const counter =
    (deps.registry.getSingleMetric('onboarding_bridge_messages_total') as
      Counter<'bridge' | 'outcome'> | undefined) ??
    new Counter({
      name: 'onboarding_bridge_messages_total',
      help: 'Broker messages by bridge and outcome (received, stored, duplicate, invalid, malformed)',
      labelNames: ['bridge', 'outcome'],
      registers: [deps.registry],
    });
  // Each outcome's child is looked up once: per message, `inc()` then skips hashing the labels.
  const outcomes = ['received', 'stored', 'duplicate', 'invalid', 'malformed'] as const;
  const count = Object.fromEntries(
    outcomes.map((outcome) => [outcome, counter.labels({ bridge, outcome })]),
  ) as Record<(typeof outcomes)[number], ReturnType<typeof counter.labels>>;
  for (const outcome of outcomes) count[outcome].inc(0);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  // Redis down or full: keep the message unacked and try again; the prefetch window caps what is held.
  async function untilStored<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    let delay = retryMin;
    for (;;) {
      if (stopped) throw new BridgeStoppedError();
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof PayloadInvalidError) throw error;
        logger.warn('storing a message failed; holding it unacked and retrying', {
          bridge,
          what,
          error: error instanceof Error ? error.message : String(error),
          retryInMs: delay,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, retryMax);
      }
    }
  }

  async function waitForRoom(): Promise<void> {
    let delay = retryMin;
    // The intake's own rule (at or over the cap; never with the cap off): one limit, whichever way a job comes in.
    while ((await untilStored('backlog', () => deps.backlog.overLimit())) !== undefined) {
      if (stopped) throw new BridgeStoppedError();
      await sleep(delay);
      delay = Math.min(delay * 2, retryMax);
    }
  }

  // Records waiting for the next enqueueMany, each with the promise its message's ack waits on.
  interface Pending {
    payload: unknown;
    options: EnqueueOptions;
    resolve: (result: EnqueueResult) => void;
    reject: (error: unknown) => void;
  }
  const maxBatch = Math.max(1, deps.maxBatch ?? 100);
  const maxInFlight = Math.max(1, deps.batchesInFlight ?? 4);
  let pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function storeBatch(batch: Pending[]): Promise<void> {
    try {
      await waitForRoom();
      const results = await untilStored(batch.length === 1 ? 'job' : 'jobs', () =>
        producer.enqueueMany(batch.map(({ payload, options }) => ({ payload, options }))),
      );
      batch.forEach((item, i) => item.resolve(results[i] as EnqueueResult));
    } catch (error) {
      if (error instanceof PayloadInvalidError && batch.length > 1) return splitInvalid(batch);
      // Stopped, or the one record is invalid: none of the batch is stored, so none of it may be acked.
      for (const item of batch) item.reject(error);
    }
  }

  // The producer validates every record and refuses the whole batch for one invalid record. That is
  // rare, so the records are not validated twice up front: only such a batch is sorted out here.
  async function splitInvalid(batch: Pending[]): Promise<void> {
    const valid: Pending[] = [];
    for (const item of batch) {
      const validation = validatePayload(item.payload);
      if (validation.ok) valid.push(item);
      else item.reject(new PayloadInvalidError(validation.errors));
    }
    if (valid.length > 0) await storeBatch(valid);
  }

  // Group commit: a lone or partial batch goes out at once when no batch is in flight; while any
  // is, a partial one waits until they have all finished or it is full, so the records the broker
  // sends meanwhile join it. Fuller batches mean fewer round trips and socket writes per record: on
  // 2 cores each write that wakes Redis costs the bridge about 0.2 ms, and partial batches made a
  // third more of them (docs/bench.md). Full batches still go up to maxInFlight at once, overlapping
  // their round trips; with a prefetch window no larger than maxBatch only one is ever in flight.
  const canSend = () => inFlight < maxInFlight && (inFlight === 0 || pending.length >= maxBatch);

  function flush(): void {
    scheduled = false;
    while (pending.length > 0 && canSend()) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      inFlight += 1;
      void storeBatch(batch).finally(() => {
        inFlight -= 1;
        flush();
      });
    }
  }

  /** Stores one valid record with the next batch; resolves only once the batch is in Redis. */
  function enqueueBatched(payload: unknown, options: EnqueueOptions): Promise<EnqueueResult> {
    if (stopped) return Promise.reject(new BridgeStoppedError());
    const telemetry = deps.tracing?.telemetry;
    // The batch is stored outside this message's span, so the job is told which span it continues.
    const traced = telemetry
      ? {
          ...options,
          telemetryMetadata: telemetry.contextManager.getMetadata(telemetry.contextManager.active()),
        }
      : options;
    return new Promise<EnqueueResult>((resolve, reject) => {
      pending.push({ payload, options: traced, resolve, reject });
      // After the current macrotask, so the messages the broker delivered together share a batch.
      if (!scheduled && canSend()) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  async function deadLetter(
    record: Omit<DeadLetterRecord, 'version' | 'attempts' | 'lineage' | 'deadLetteredAt'>,
  ) {
    await untilStored('dead letter', () =>
      deadLetters.write({
        version: 1,
        ...record,
        attempts: [],
        lineage: { originalJobId: record.jobId, replayCount: 0 },
        deadLetteredAt: new Date().toISOString(),
      }),
    );
  }

  const decode = (body: Buffer): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(body.toString('utf8')) };
    } catch {
      return { ok: false };
    }
  };

  async function store(
    body: Buffer,
    decodedBody: ReturnType<typeof decode>,
    transportId: string | undefined,
    onJob: (jobId: string) => void,
  ): Promise<BridgeOutcome> {
    const fallbackId = transportId ?? `body-${sha(body)}`;
    if (!decodedBody.ok) {
      const raw = body.subarray(0, maxRaw).toString('utf8');
      await deadLetter({
        jobId: onboardingJobId(raw, fallbackId),
        businessId: null,
        payload: { raw, bytes: body.length, truncated: body.length > maxRaw },
        eventId: fallbackId,
        source: bridge,
        reason: { code: DEAD_LETTER_CODES.eventMalformed, message: 'the message body is not JSON' },
      });
      count.malformed.inc();
      logger.warn('malformed message dead-lettered', { bridge, eventId: fallbackId, bytes: body.length });
      return 'malformed';
    }
    const decoded = decodedBody.value;
    const read = readMessage(decoded, { source: bridge, eventId: transportId, eventTypes }, deps.mapper);
    // A refused type is kept like any bad record; read once more without the filter, its record
    // holds the event's own payload and id, so erasure and replay find it as they find the others.
    const unfiltered =
      !read.ok && read.code
        ? readMessage(decoded, { source: bridge, eventId: transportId }, deps.mapper)
        : read;
    const message = unfiltered.ok ? unfiltered.message : undefined;
    const eventId = message?.eventId ?? fallbackId;
    try {
      if (!read.ok) throw new PayloadInvalidError(read.errors);
      // The producer validates it; an invalid record comes back as PayloadInvalidError, alone.
      const result = await enqueueBatched(read.message.payload, { eventId, source: read.message.source });
      onJob(result.jobId);
      count[result.created ? 'stored' : 'duplicate'].inc();
      return result.created ? 'stored' : 'duplicate';
    } catch (error) {
      if (!(error instanceof PayloadInvalidError)) throw error;
      const payload = message?.payload ?? decoded;
      const jobId = onboardingJobId(payload, eventId);
      const code = !read.ok && read.code ? read.code : DEAD_LETTER_CODES.payloadInvalid;
      onJob(jobId);
      await deadLetter({
        jobId,
        businessId: readBusinessId(payload),
        payload,
        eventId,
        source: message?.source ?? bridge,
        receivedAt: new Date().toISOString(),
        reason: { code, message: error.message, errors: error.errors },
      });
      count.invalid.inc();
      logger.warn('invalid message dead-lettered', { bridge, jobId, code, errors: error.errors.length });
      return 'invalid';
    }
  }

  const messagingSystem = bridge === 'amqp' ? 'rabbitmq' : 'nats';

  return {
    async handle(body, transportId, trace) {
      count.received.inc();
      const decoded = decode(body);
      if (!deps.tracing) return store(body, decoded, transportId, () => undefined);
      const { tracer, destination } = deps.tracing;
      // Messaging semantic conventions: a consumer span `process <destination>` per message.
      const parent = messageTraceContext(trace, decoded.ok ? decoded.value : undefined);
      return tracer.startActiveSpan(
        `process ${destination}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': messagingSystem,
            'messaging.operation.type': 'process',
            'messaging.destination.name': destination,
            ...(transportId ? { 'messaging.message.id': transportId } : {}),
          },
        },
        parent,
        (span) =>
          runInSpan(
            span,
            'onboarding.bridge.outcome',
            (outcome) => outcome,
            () =>
              store(body, decoded, transportId, (jobId) => span.setAttribute(SPAN_ATTRIBUTES.jobId, jobId)),
          ),
      );
    },
    stop() {
      stopped = true;
      // Not yet handed to Redis: rejected, so their messages go back to the broker unacked.
      const waiting = pending;
      pending = [];
      for (const item of waiting) item.reject(new BridgeStoppedError());
      for (const wake of [...wakers]) wake();
    },
  };
}
