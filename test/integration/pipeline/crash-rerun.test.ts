import { DEAD_LETTER_CODES } from '../../../src/contracts/dead-letter-record';
import { EVENT_TYPES } from '../../../src/contracts/events';
import { readJobData } from '../../../src/contracts/onboarding-job';
import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { createLogger } from '../../../src/logger';
import { createDeadLettering } from '../../../src/pipeline/dead-lettering';
import { NO_OBSERVER } from '../../../src/pipeline/pipeline-observer';
import { createAttemptLog } from '../../../src/queues/attempt-log';
import type { RedisClient } from '../../../src/queues/connection';
import { createEventOutbox, type EventOutbox } from '../../../src/queues/event-outbox';
import { createEventPublisher } from '../../../src/queues/event-publisher';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createLedger } from '../../../src/queues/onboarding-ledger';
import { waitForOutboxDrained } from '../../support/outbox';
import { businessIds, completePayload } from '../../support/payloads';
import { startProcessorFixture } from '../../support/processor-fixture';

/** The processor with the worker's ledger: its settle script writes the outbox and strips the payload. */
async function outboxFixture(name: string) {
  let relay: EventOutbox | undefined;
  const fixture = await startProcessorFixture({
    name,
    ledger: (connection, prefix) => {
      relay = createEventOutbox(connection, prefix);
      return createLedger(connection, prefix, 'sandbox', { outbox: relay });
    },
  });
  return {
    ...fixture,
    async eventsOnQueue() {
      await waitForOutboxDrained(fixture.connection, fixture.prefix);
      return (await fixture.eventsQueue.getJobs(['waiting'])).map((j) => j.data as { id: string });
    },
    async close() {
      await relay?.close();
      await fixture.close();
    },
  };
}

/**
 * A job that settled (its payload stripped to the stub) and whose ledger entry then went, removed
 * by hand or lost by Redis: what its re-run finds.
 */
async function strippedWithoutEntry(fixture: Awaited<ReturnType<typeof outboxFixture>>, start: number) {
  const [businessId] = businessIds(1, start) as [string];
  const { jobId } = await fixture.producer.enqueue(completePayload(businessId), { eventId: 'signup-1' });
  await fixture.processor(await fixture.load(jobId));
  await fixture.ledger.remove(businessId);
  return { businessId, jobId };
}

describe('a crash between the POST and the job completing', () => {
  it('re-running the job makes no second POST and publishes one event', async () => {
    let crashes = 1;
    // The process "dies" right after Ropo One answered and the ledger recorded it.
    const fixture = await startProcessorFixture({
      name: 'crash',
      events: (real) => ({
        async publish(event) {
          if (crashes-- > 0) throw new Error('simulated crash: process killed');
          await real.publish(event);
        },
        close: () => real.close(),
      }),
    });
    const { processor, producer, sandbox } = fixture;
    try {
      const [businessId] = businessIds(1, 7_000_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      const job = await fixture.load(jobId);

      await expect(processor(job)).rejects.toThrow('simulated crash');
      expect(sandbox.stats().createProfileCalls).toBe(1);

      // BullMQ's stalled-job check would hand the job to another worker; it runs again.
      const result = await processor(job);
      const again = await processor(job);

      expect(result).toMatchObject({ outcome: 'created', businessId });
      expect(again).toEqual(result);
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(sandbox.creations().find((c) => c.businessId === businessId)?.count).toBe(1);
      const events = (await fixture.eventsQueue.getJobs(['waiting'])).map(
        (j) => j.data as { type: string; id: string },
      );
      expect(events.map((e) => e.type)).toEqual([EVENT_TYPES.created]);
      expect(events[0]?.id).toBe(result.eventId);
    } finally {
      await fixture.close();
    }
  });

  it('a job that dies after its outcome and stub were recorded completes from the ledger when it runs again', async () => {
    const fixture = await outboxFixture('crash-stripped');
    const { processor, producer, sandbox } = fixture;
    try {
      const [businessId] = businessIds(1, 7_100_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));

      // The processor returns, but its worker dies before BullMQ marks the job completed.
      const first = await processor(await fixture.load(jobId));
      const left = await fixture.load(jobId);
      // The settle script stripped the payload in the same trip as the outcome.
      expect(readJobData(left.data)).toMatchObject({
        stripped: true,
        payload: { customer_info: { business_id: businessId } },
      });
      expect(JSON.stringify(left.data)).not.toContain('@');

      const rerun = await processor(left);

      expect(rerun).toEqual(first);
      expect(first).toMatchObject({ outcome: 'created', businessId });
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(await fixture.deadLetters.exists(jobId)).toBe(false);
      // The outbox's event and the re-run's have one id, so onboarding-events holds one.
      const events = await fixture.eventsOnQueue();
      expect(events.map((e) => e.id)).toEqual([first.eventId]);
    } finally {
      await fixture.close();
    }
  });

  it('a stripped job whose recorded outcome is gone is dead-lettered PAYLOAD_STRIPPED, not sent', async () => {
    const fixture = await outboxFixture('crash-erased');
    const { processor, sandbox } = fixture;
    try {
      // The ledger entry goes (Redis lost it, or it was removed by hand) while the job waits to run again.
      const { jobId } = await strippedWithoutEntry(fixture, 7_200_000);

      await expect(processor(await fixture.load(jobId))).rejects.toThrow(
        `${DEAD_LETTER_CODES.payloadStripped}: the payload was stripped`,
      );
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(await fixture.deadLetters.exists(jobId)).toBe(true);
    } finally {
      await fixture.close();
    }
  });

  it("a stripped job whose business id a newer live job holds waits for that job's outcome, then completes with it", async () => {
    const fixture = await outboxFixture('crash-held');
    const { processor, producer, sandbox, connection, prefix } = fixture;
    // Takes jobs off the queue as a worker does, so the stub runs while active, with its lock token.
    const fetcher = new Worker(QUEUE_NAMES.onboarding, null, {
      connection: connection.duplicate(),
      prefix,
      autorun: false,
    });
    try {
      const first = await strippedWithoutEntry(fixture, 7_400_000);
      const { businessId } = first;
      // The customer signs up again: a new job claims the id.
      const second = await producer.enqueue(completePayload(businessId), { eventId: 'signup-2' });
      expect(await fixture.ledger.claim(businessId, second.jobId)).toMatchObject({ kind: 'claimed' });

      const stub = (await fetcher.getNextJob('token-1')) as Awaited<ReturnType<typeof fixture.load>>;
      expect(stub.id).toBe(first.jobId);
      await expect(processor(stub, 'token-1')).rejects.toBeInstanceOf(DelayedError);
      expect(await stub.getState()).toBe('delayed');
      expect(await fixture.deadLetters.exists(first.jobId)).toBe(false);

      // The holder settles; the stub then completes as `exists`, settled by it, with no call of its own.
      await processor(await fixture.load(second.jobId));
      const rerun = await processor(await fixture.load(first.jobId));
      expect(rerun).toMatchObject({ businessId, outcome: 'exists', settledBy: second.jobId });
      expect(sandbox.stats().createProfileCalls).toBe(2);
      expect(await fixture.deadLetters.exists(first.jobId)).toBe(false);
    } finally {
      await fetcher.close();
      await (fetcher.opts.connection as RedisClient).quit();
      await fixture.close();
    }
  });

  it('a claim whose holder is gone does not hold a stripped job: it is dead-lettered PAYLOAD_STRIPPED', async () => {
    const fixture = await outboxFixture('crash-stale-holder');
    const { processor } = fixture;
    try {
      const first = await strippedWithoutEntry(fixture, 7_450_000);
      const { businessId } = first;
      // A claim left by a job that no longer exists (removed, or its record purged).
      expect(await fixture.ledger.claim(businessId, 'gone-job')).toMatchObject({ kind: 'claimed' });

      await expect(processor(await fixture.load(first.jobId))).rejects.toThrow(
        `${DEAD_LETTER_CODES.payloadStripped}: the payload was stripped`,
      );
      expect(await fixture.deadLetters.exists(first.jobId)).toBe(true);
    } finally {
      await fixture.close();
    }
  });

  it('a stripped job BullMQ fails (stalled again) after its outcome was recorded gets no dead letter', async () => {
    const fixture = await outboxFixture('crash-failed-after');
    const { processor, producer, connection, prefix } = fixture;
    const events = createEventPublisher(connection, prefix);
    const deadLettering = createDeadLettering({
      events,
      deadLetters: fixture.deadLetters,
      attempts: createAttemptLog(fixture.onboarding),
      ledger: fixture.ledger,
      logger: createLogger({ level: 'error' }),
      observer: NO_OBSERVER,
    });
    const stalledAgain = new Error('job stalled more than allowable limit');
    // BullMQ fails the job without running the processor, as after a second stall.
    const failing = new Worker(
      QUEUE_NAMES.onboarding,
      async () => {
        throw new UnrecoverableError(stalledAgain.message);
      },
      { connection: connection.duplicate(), prefix, autorun: false },
    );
    try {
      const [businessId] = businessIds(1, 7_300_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      const first = await processor(await fixture.load(jobId));
      const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
      void failing.run();
      await failed;
      const job = await fixture.load(jobId);
      expect(await job.getState()).toBe('failed');

      expect(await deadLettering.recordUnhandledFailure(job, stalledAgain)).toBe(false);

      expect(await fixture.deadLetters.exists(jobId)).toBe(false);
      expect((await fixture.eventsOnQueue()).map((e) => e.id)).toEqual([first.eventId]);
      // A job without a recorded outcome still gets its record.
      const [other] = businessIds(1, 7_310_000) as [string];
      // Listening before the enqueue: the running worker can fail the job before the enqueue's read-back returns.
      const failedToo = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
      const second = await producer.enqueue(completePayload(other));
      await failedToo;
      expect(await deadLettering.recordUnhandledFailure(await fixture.load(second.jobId), stalledAgain)).toBe(
        true,
      );
      expect(await fixture.deadLetters.exists(second.jobId)).toBe(true);
    } finally {
      await failing.close();
      await (failing.opts.connection as RedisClient).quit();
      await events.close();
      await fixture.close();
    }
  });
});
