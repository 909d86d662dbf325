import { Queue } from 'bullmq';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import type { OnboardingEvent } from '../contracts/events';
import { readBusinessId, readJobData, type OnboardingJobResult } from '../contracts/onboarding-job';
import type { RedisClient } from './connection';
import {
  credentialReads,
  credentials,
  eventOutboxEntries,
  ledger,
  profileUuids,
  wizardStalledMarker,
} from './customer-key-erasers';
import type { Eraser, ErasureContext } from './eraser';
import { deleteStreamEntries, findStreamEntries } from './event-stream-scrub';
import { ALL_JOB_STATES } from './job-states';
import { globEscape, scanKeys } from './key-scan';
import { queueStreams } from './job-options';
import { QUEUE_NAMES, SINK_QUEUE_NAME_PREFIX } from './queue-names';

export { ERASURE_KINDS, type Eraser, type ErasureContext, type ErasureKind, type Found } from './eraser';

const PAGE = 1000;

// Ids a job's data or an event names (lineage, the dead letter, the job that settled it): their
// stream entries name the customer's jobs too, though the jobs themselves may be long gone.
const LINKED_ID_FIELDS = ['jobId', 'replayOf', 'deadLetterId', 'settledBy', 'originalJobId'] as const;

function linkedIds(record: unknown): string[] {
  if (record === null || typeof record !== 'object') return [];
  const fields = record as Record<string, unknown>;
  return LINKED_ID_FIELDS.map((name) => fields[name]).filter((v): v is string => typeof v === 'string');
}

async function jobsOf<T>(queue: Queue<T>, belongs: (data: T, result: unknown) => boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs(ALL_JOB_STATES, start, start + PAGE - 1, true);
    for (const job of jobs) if (job?.id && belongs(job.data, job.returnvalue)) ids.push(job.id);
    if (jobs.length < PAGE) return ids;
  }
}

// Removing is refused (0) for a job whose lock a worker holds: it is reported, not forced.
async function removeJobs(queue: Queue, ids: Iterable<string>, context: ErasureContext): Promise<number> {
  let removed = 0;
  for (const id of ids) {
    if ((await queue.getJobState(id)) === 'unknown') continue;
    if ((await queue.remove(id)) === 1) removed += 1;
    else context.skippedActive.push(id);
  }
  return removed;
}

const payloadOf = (data: unknown): string | null => readBusinessId(readJobData(data).payload);

const isAbout = (event: OnboardingEvent | undefined, businessId: string): boolean =>
  !!event && (event.subject === businessId || event.data?.businessId === businessId);

/** Onboarding jobs whose payload (or stub) or result carries the business id, or that a dead letter or the ledger names. */
const onboardingJobs: Eraser = {
  kind: 'onboarding-jobs',
  async find(context) {
    const { businessId, queues } = context;
    const matching = await jobsOf(queues.onboarding, (data, result) => {
      const mine =
        payloadOf(data) === businessId || (result as OnboardingJobResult | null)?.businessId === businessId;
      if (mine) for (const id of linkedIds(data)) context.jobIds.add(id);
      return mine;
    });
    for (const id of matching) context.onboardingJobIds.add(id);
    const ids: string[] = [];
    for (const id of context.onboardingJobIds) {
      context.jobIds.add(id);
      if ((await queues.onboarding.getJobState(id)) !== 'unknown') ids.push(id);
    }
    return { count: ids.length, remove: () => removeJobs(queues.onboarding, ids, context) };
  },
};

/** The attempt log lines of the customer's onboarding jobs (BullMQ's `<job>:logs` lists). */
const attemptLogs: Eraser = {
  kind: 'attempt-logs',
  async find(context) {
    // Runs before the jobs go but needs their ids: the onboarding-jobs lookup runs here too, read-only.
    await onboardingJobs.find(context);
    const keys = [...context.onboardingJobIds].map((id) => `${context.queues.onboarding.toKey(id)}:logs`);
    let count = 0;
    for (const key of keys) count += await context.connection.llen(key);
    return {
      count,
      async remove() {
        let removed = 0;
        for (const key of keys) {
          removed += await context.connection.llen(key);
          await context.connection.del(key);
        }
        return removed;
      },
    };
  },
};

/** Dead letters about the customer; their source and original job ids join the stream search. */
const deadLetters: Eraser = {
  kind: 'dead-letters',
  async find(context) {
    const { businessId, queues } = context;
    const named: string[] = [];
    const ids = await jobsOf(queues.deadLetter, (data) => {
      const record = data as DeadLetterRecord;
      if (record?.businessId !== businessId && payloadOf({ payload: record?.payload }) !== businessId)
        return false;
      named.push(record.jobId, record.lineage?.originalJobId, ...linkedIds(record.lineage));
      return true;
    });
    for (const id of [...ids, ...named]) if (id) context.jobIds.add(id);
    // A failed source job left behind (its removal after dead-lettering did not happen) goes too.
    for (const id of named) if (id) context.onboardingJobIds.add(id);
    return { count: ids.length, remove: () => removeJobs(queues.deadLetter, ids, context) };
  },
};

/** Outcome events about the customer on `onboarding-events`. */
const events: Eraser = {
  kind: 'events',
  async find(context) {
    const ids = await jobsOf(context.queues.events, (data) => {
      const event = data as OnboardingEvent;
      if (!isAbout(event, context.businessId)) return false;
      for (const id of linkedIds(event.data)) context.jobIds.add(id);
      return true;
    });
    for (const id of ids) context.jobIds.add(id);
    return { count: ids.length, remove: () => removeJobs(context.queues.events, ids, context) };
  },
};

/** Copies of those events waiting in (or delivered through) each sink's queue. */
const sinkDeliveries: Eraser = {
  kind: 'sink-deliveries',
  async find(context) {
    const found: [Queue, string[]][] = [];
    for (const queue of context.queues.sinks) {
      const ids = await jobsOf(queue, (data) => {
        const event = data as OnboardingEvent;
        if (!isAbout(event, context.businessId)) return false;
        for (const id of linkedIds(event.data)) context.jobIds.add(id);
        return true;
      });
      for (const id of ids) context.jobIds.add(id);
      if (ids.length > 0) found.push([queue, ids]);
    }
    return {
      count: found.reduce((n, [, ids]) => n + ids.length, 0),
      async remove() {
        let removed = 0;
        for (const [queue, ids] of found) removed += await removeJobs(queue, ids, context);
        return removed;
      },
    };
  },
};

/**
 * Entries of BullMQ's `<prefix>:<queue>:events` streams that name one of the customer's jobs or
 * its business id (a failure message may echo Ropo One's answer). Removal reads the streams again,
 * so the `removed` entries the job removals just wrote go too.
 */
const eventStreamEntries: Eraser = {
  kind: 'event-stream-entries',
  async find(context) {
    const streams = [
      context.queues.onboarding,
      context.queues.events,
      context.queues.deadLetter,
      ...context.queues.sinks,
    ].map((queue) => queue.keys.events as string);
    const matches = (values: readonly string[]) =>
      values.some((value) => context.jobIds.has(value) || value.includes(context.businessId));
    const search = async () => {
      const found: [string, string[]][] = [];
      for (const stream of streams)
        found.push([stream, await findStreamEntries(context.connection, stream, matches)]);
      return found;
    };
    const now = await search();
    return {
      count: now.reduce((n, [, ids]) => n + ids.length, 0),
      async remove() {
        let removed = 0;
        for (const [stream, ids] of await search())
          removed += await deleteStreamEntries(context.connection, stream, ids);
        return removed;
      },
    };
  },
};

/** Every eraser, in the order an erasure runs them (event streams last: removals write to them). */
export const ERASERS: readonly Eraser[] = [
  deadLetters,
  attemptLogs,
  onboardingJobs,
  eventOutboxEntries,
  events,
  sinkDeliveries,
  ledger,
  credentials,
  credentialReads,
  profileUuids,
  wizardStalledMarker,
  eventStreamEntries,
];

/** The sink delivery queues present under the prefix (found by their meta keys: sinks come and go). */
export async function openSinkQueues(connection: RedisClient, prefix: string): Promise<Queue[]> {
  const head = `${prefix}:${SINK_QUEUE_NAME_PREFIX}`;
  const names = new Set<string>();
  for await (const key of scanKeys(connection, `${globEscape(head)}*:meta`)) {
    const name = key.slice(prefix.length + 1, -':meta'.length);
    if (!name.includes(':')) names.add(name);
  }
  return [...names].sort().map((name) => {
    const queue = new Queue(name, { connection, prefix, streams: queueStreams() });
    queue.on('error', () => undefined);
    return queue;
  });
}

/** Opens the queues an erasure looks through; the caller closes them with {@link closeErasureQueues}. */
export async function openErasureQueues(
  connection: RedisClient,
  prefix: string,
): Promise<ErasureContext['queues']> {
  const open = (name: string) => {
    const queue = new Queue(name, { connection, prefix, streams: queueStreams() });
    queue.on('error', () => undefined);
    return queue;
  };
  return {
    onboarding: open(QUEUE_NAMES.onboarding),
    events: open(QUEUE_NAMES.events),
    deadLetter: open(QUEUE_NAMES.deadLetter),
    sinks: await openSinkQueues(connection, prefix),
  };
}

/** Closes what {@link openErasureQueues} opened. */
export async function closeErasureQueues(queues: ErasureContext['queues']): Promise<void> {
  await Promise.all(
    [queues.onboarding, queues.events, queues.deadLetter, ...queues.sinks].map((q) => q.close()),
  );
}
