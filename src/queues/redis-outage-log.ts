/** Where the outage log writes: a winston logger fits (`logger.log(level, message, meta)`). */
export interface OutageSink {
  log(level: 'error' | 'warn' | 'info', message: string, meta: Record<string, unknown>): unknown;
}

/** Options of {@link RedisOutageLog}. */
export interface RedisOutageLogOptions {
  sink: OutageSink;
  /** Epoch ms; tests pass a fake clock. */
  now?: () => number;
  /** How often a continuing outage is reported, with the errors suppressed since. Default one minute. */
  reportEveryMs?: number;
}

// Error codes and names that mean "Redis cannot be reached", as opposed to a command Redis refused.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);
const CONNECTION_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ConnectionClosedError',
  'ClusterAllFailedError',
]);
const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|connect ETIMEDOUT|Failed to refresh slots cache/;

/** True for an error that means the Redis connection is down (what ioredis and BullMQ emit on every reconnect). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return CONNECTION_NAMES.has(error.name) || CONNECTION_MESSAGES.test(error.message);
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { type: error.name, code: (error as { code?: unknown }).code, message: error.message };
}

/**
 * The log of a Redis outage as a small state machine: one `redis unavailable` line when it starts,
 * one `redis still unavailable` line per `reportEveryMs` with the count of errors suppressed, and one
 * `redis available again` with the outage's duration. ioredis and BullMQ report every failed
 * reconnect (several a second, per connection); an operator needs three kinds of line, not thousands.
 * Time comes from the clock passed in and reports fire from {@link error} or {@link tick}, so it is
 * tested without timers.
 */
export class RedisOutageLog {
  private downSince?: number;
  private suppressed = 0;
  private errorsTotal = 0;
  private nextReportAt = 0;
  private readonly now: () => number;
  private readonly everyMs: number;

  constructor(private readonly options: RedisOutageLogOptions) {
    this.now = options.now ?? Date.now;
    this.everyMs = options.reportEveryMs ?? 60_000;
  }

  /** True while an outage is open. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** A connection error from any client of this process: opens the outage, or is counted in it. */
  error(error: unknown, source?: string): void {
    const now = this.now();
    this.errorsTotal += 1;
    if (this.downSince === undefined) {
      this.downSince = now;
      this.suppressed = 0;
      this.nextReportAt = now + this.everyMs;
      this.options.sink.log('error', 'redis unavailable', {
        code: 'REDIS_UNAVAILABLE',
        since: new Date(now).toISOString(),
        source,
        error: describe(error),
      });
      return;
    }
    this.suppressed += 1;
    this.tick();
  }

  /** Called on a timer (and after each error): writes the periodic line when one is due. */
  tick(): void {
    const since = this.downSince;
    if (since === undefined) return;
    const now = this.now();
    if (now < this.nextReportAt) return;
    this.options.sink.log('warn', 'redis still unavailable', {
      code: 'REDIS_UNAVAILABLE',
      since: new Date(since).toISOString(),
      outageMs: now - since,
      errorsSuppressed: this.suppressed,
    });
    this.suppressed = 0;
    // Skip the slots a stalled event loop missed rather than writing them all at once.
    while (this.nextReportAt <= now) this.nextReportAt += this.everyMs;
  }

  /** A connection is ready again: closes the outage, if one was open. */
  available(): void {
    const since = this.downSince;
    if (since === undefined) return;
    const now = this.now();
    this.options.sink.log('info', 'redis available again', {
      since: new Date(since).toISOString(),
      outageMs: now - since,
      errorsSuppressed: this.suppressed,
    });
    this.downSince = undefined;
    this.suppressed = 0;
  }

  /** Errors seen since this log was created, outages or not (for tests and metrics). */
  get errorCount(): number {
    return this.errorsTotal;
  }
}
