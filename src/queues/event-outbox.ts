import type { Telemetry } from 'bullmq';
import type { OnboardingEvent } from '../contracts/events';
import type { RedisClient } from './connection';
import { openQueue } from './open-queue';
import { JOB_NAMES, QUEUE_NAMES } from './queue-names';

/**
 * The outbox stream of outcome events under a prefix. The ledger's settle script appends to it in the
 * same script that records the outcome, so an outcome is never recorded without its event (nor the
 * other way round); the relay below moves entries to `onboarding-events`. The prefix's hash tag keeps
 * it in the ledger's Cluster slot.
 */
export function outboxKey(prefix: string): string {
  return `${prefix}:onboarding-events-outbox`;
}

/** An entry the settle script wrote: its stream id and the envelope it holds. */
export interface OutboxEntry {
  streamId: string;
  event: OnboardingEvent;
  /** The trace context the event was written in (the job's), when tracing is on. */
  telemetryMetadata?: string;
}

/** Where a minimal logger is enough (the relay only warns). */
interface WarnLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

/** Options of {@link createEventOutbox}. */
export interface EventOutboxOptions {
  telemetry?: Telemetry;
  logger?: WarnLogger;
  /** An entry this old is taken to be left by a process that died before relaying it. */
  orphanAfterMs?: number;
  /** How often to look for such entries (and once at start, for any entry). */
  sweepEveryMs?: number;
  /** Most entries moved in one `addBulk`. */
  batchSize?: number;
  /**
   * How long a batch may wait for more entries after its first, unless it is full or a flush wants
   * it now. Each `addBulk` builds an ioredis pipeline, which copies every script command the
   * connection has (BullMQ's and ours): a fixed cost per batch that bigger batches share. Default 50.
   */
  lingerMs?: number;
}

/**
 * Moves outbox entries to `onboarding-events` in batches, off the per-job path. Crash-safe: an entry
 * is deleted only after its event job exists, and the event job's id is the event id (deterministic),
 * so moving an entry twice (a relay that died between the add and the delete, or two relays meeting
 * on an orphan) keeps one job, as long as the first copy has not been removed from the queue yet.
 */
export interface EventOutbox {
  /** The stream the settle script appends to. */
  readonly key: string;
  /** The settle script wrote this entry: it is moved with whatever else is waiting, within `lingerMs`. */
  written(entry: OutboxEntry): void;
  /** Moves what this process wrote and has not moved yet. */
  flush(): Promise<void>;
  /** Moves entries older than `olderThanMs` (any process's); returns how many. */
  sweep(olderThanMs: number): Promise<number>;
  /** Starts the periodic sweep for entries that dying processes left behind. */
  start(): void;
  /** Stops the sweep, moves what is pending and closes its queue (the connection stays the caller's). */
  close(): Promise<void>;
}

function parseEvent(raw: string | undefined): OnboardingEvent | undefined {
  if (!raw) return undefined;
  try {
    const event = JSON.parse(raw) as Partial<OnboardingEvent> | null;
    return event && typeof event.id === 'string' ? (event as OnboardingEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the outbox relay on a shared connection. */
export function createEventOutbox(
  connection: RedisClient,
  prefix: string,
  options: EventOutboxOptions = {},
): EventOutbox {
  const key = outboxKey(prefix);
  const queue = openQueue(QUEUE_NAMES.events, connection, prefix, options.telemetry);
  const orphanAfterMs = options.orphanAfterMs ?? 5_000;
  const sweepEveryMs = options.sweepEveryMs ?? 2_000;
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 50;
  let pending: OutboxEntry[] = [];
  // When the first entry of the batch being formed was written (performance.now()).
  let openedAt = 0;
  // Flushes under way: while any is, batches go without lingering.
  let flushing = 0;
  let wake: (() => void) | undefined;
  // Entries this process wrote and has not moved yet: its own pump moves them, with their job's
  // trace context; a sweep that took them first would move them without it.
  const own = new Set<string>();
  let pumping: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastWarning = 0;

  function warn(message: string, error: unknown): void {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    options.logger?.warn(message, { error });
  }

  async function move(entries: OutboxEntry[]): Promise<void> {
    // Add first, delete after: a crash in between leaves the entry for a sweep, whose add finds the job.
    await queue.addBulk(
      entries.map(({ event, telemetryMetadata }) => ({
        name: JOB_NAMES.event,
        data: event,
        // Each event continues its own job's trace, not the one whose write started this batch.
        opts: {
          jobId: event.id,
          ...(telemetryMetadata ? { telemetry: { metadata: telemetryMetadata } } : {}),
        },
      })),
    );
    await connection.xdel(key, ...entries.map((entry) => entry.streamId));
    for (const entry of entries) own.delete(entry.streamId);
  }

  /** Waits until the forming batch has lingered long enough, is full, or a flush wants it. */
  function lingered(): Promise<void> | undefined {
    const waitMs = lingerMs - (performance.now() - openedAt);
    if (flushing > 0 || pending.length >= batchSize || waitMs <= 0) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  // One batch in flight at a time; entries written meanwhile make the next batch.
  async function pump(): Promise<void> {
    while (pending.length > 0) {
      await lingered();
      const batch = pending.slice(0, batchSize);
      pending = pending.slice(batch.length);
      // What is left over is older than the batch that just went: it goes without waiting.
      if (pending.length > 0) openedAt = -Infinity;
      try {
        await move(batch);
      } catch (error) {
        // Still in the stream: the periodic sweep moves them once Redis answers again.
        for (const entry of batch) own.delete(entry.streamId);
        warn('could not move outcome events from the outbox; the sweep will retry', error);
      }
    }
  }

  function kick(): Promise<void> {
    pumping ??= pump().finally(() => {
      pumping = undefined;
      // Written after the pump's last look at `pending` but before it finished: pump again.
      if (pending.length > 0) void kick();
    });
    return pumping;
  }

  async function sweep(olderThanMs: number): Promise<number> {
    let moved = 0;
    const until = Math.max(0, Date.now() - olderThanMs);
    // Each page starts after the last row read: rows skipped as this process's own stay in the stream.
    let from = '-';
    for (;;) {
      const rows = await connection.xrange(key, from, String(until), 'COUNT', batchSize);
      const last = rows[rows.length - 1];
      if (last) from = `(${last[0]}`;
      const entries: OutboxEntry[] = [];
      for (const [streamId, fields] of rows) {
        // This process's own pump moves it (with its trace context); past orphanAfterMs, the sweep
        // takes it anyway, so nothing can wait on a pump that will not come.
        if (own.has(streamId) && Date.now() - Number(streamId.split('-')[0]) < orphanAfterMs) continue;
        const at = fields.indexOf('event');
        const raw = at >= 0 ? fields[at + 1] : undefined;
        const event = parseEvent(raw);
        if (event) entries.push({ streamId, event });
        else {
          // Not an envelope (written by hand, truncated): drop it rather than let it block the rest.
          options.logger?.warn('dropped an outbox entry that holds no event', { streamId });
          await connection.xdel(key, streamId);
        }
      }
      if (entries.length > 0) await move(entries);
      moved += entries.length;
      if (rows.length < batchSize) return moved;
    }
  }

  function schedule(olderThanMs: number, inMs: number): void {
    timer = setTimeout(() => {
      sweep(olderThanMs)
        .catch((error: unknown) => warn('outbox sweep failed; it runs again', error))
        .finally(() => {
          if (timer) schedule(orphanAfterMs, sweepEveryMs);
        });
    }, inMs);
    timer.unref();
  }

  return {
    key,
    written(entry) {
      own.add(entry.streamId);
      const telemetry = options.telemetry;
      pending.push(
        telemetry
          ? {
              ...entry,
              telemetryMetadata: telemetry.contextManager.getMetadata(telemetry.contextManager.active()),
            }
          : entry,
      );
      if (pending.length === 1) openedAt = performance.now();
      if (pending.length >= batchSize) wake?.();
      void kick();
    },
    async flush() {
      flushing++;
      wake?.();
      try {
        while (pending.length > 0 || pumping) await kick();
      } finally {
        flushing--;
      }
    },
    sweep,
    start() {
      // At start any entry is fair game: a process that died before relaying left it.
      if (!timer) schedule(0, 0);
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await this.flush();
      await queue.close();
    },
  };
}
