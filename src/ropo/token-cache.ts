import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RopoError } from '../errors/ropo-error';
import { RopoUnavailableError } from '../errors/ropo-unavailable-error';
import type { Logger } from '../logger';
import { DEFAULT_TOKEN_LIFETIME_MS } from './assumptions';
import { readJwtExpiryMs } from './jwt-expiry';

/** Dependencies and bounds of {@link SharedTokenCache}. */
export interface SharedTokenCacheOptions {
  redis: Redis;
  /** The Redis key of the cached token; the lock lives at `${key}:lock`. */
  key: string;
  /** Asks Ropo One for a new token (POST /rest/token); throws RopoErrors. */
  fetchToken: () => Promise<string>;
  logger: Logger;
  /** Stop using a token this long before its `exp` (at most a fifth of its life). Default 5 min. */
  safetyMarginMs?: number;
  /** Refresh in the background when this little usable life is left (at most a fifth of it). Default 10 min. */
  refreshAheadMs?: number;
  /** How long one refresher holds the lock; must outlast a token call with its retries. */
  lockTtlMs: number;
  /** How often waiters look for the new token. Default 25 ms. */
  pollMs?: number;
  now?: () => number;
}

/** A token with the times it may be used until and should be replaced at (epoch ms). */
interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

// Deletes the lock only if we still own it, so a slow refresher never frees someone else's lock.
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Ropo One token, cached in Redis and shared by every worker process, plus an in-process copy so the hot
 * path costs no round trip. One caller at a time refreshes (a `SET NX PX` lock); the others poll Redis for
 * the result, so fifty jobs starting together ask Ropo for one token.
 */
export class SharedTokenCache {
  private local?: CachedToken;
  private inflight?: Promise<string>;
  private background?: Promise<void>;
  private readonly lockKey: string;
  private readonly now: () => number;
  private redisFailureLogged = false;

  constructor(private readonly options: SharedTokenCacheOptions) {
    this.lockKey = `${options.key}:lock`;
    this.now = options.now ?? Date.now;
  }

  /** A token usable now; refreshes it (once across all processes) when missing or expired. */
  async getToken(): Promise<string> {
    const now = this.now();
    const local = this.local;
    if (local && now < local.expiresAt) {
      if (now >= local.refreshAt) this.refreshInBackground(local.token);
      return local.token;
    }
    return this.obtain(local?.token, false);
  }

  /** Called after Ropo answered 401 to `rejected`: returns a different token, fetching one if nobody has yet. */
  async refreshAfterRejection(rejected: string): Promise<string> {
    const local = this.local;
    if (local && local.token !== rejected && this.now() < local.expiresAt) return local.token;
    if (local?.token === rejected) this.local = undefined;
    const token = await this.obtain(rejected, false);
    // A refresh already in flight for an older token may have handed back the one Ropo just refused.
    return token === rejected ? this.obtain(rejected, false) : token;
  }

  /** Waits for a background refresh still running, so the caller can close Redis safely. */
  async settle(): Promise<void> {
    await this.background;
    await this.inflight?.catch(() => undefined);
  }

  private refreshInBackground(current: string): void {
    if (this.background || this.inflight) return;
    this.background = this.obtain(current, true)
      .then(() => undefined)
      .catch((error: unknown) => {
        // The current token still works for a while; the next call retries the refresh.
        this.options.logger.warn('ropo token refresh ahead of expiry failed', {
          code: error instanceof RopoError ? error.code : undefined,
        });
      })
      .finally(() => {
        this.background = undefined;
      });
  }

  private obtain(stale: string | undefined, ahead: boolean): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.acquire(stale, ahead).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private usable(
    entry: CachedToken | undefined,
    stale: string | undefined,
    ahead: boolean,
  ): entry is CachedToken {
    if (!entry || entry.token === stale) return false;
    const now = this.now();
    return now < (ahead ? entry.refreshAt : entry.expiresAt);
  }

  private async acquire(stale: string | undefined, ahead: boolean): Promise<string> {
    try {
      return await this.acquireShared(stale, ahead);
    } catch (error) {
      if (error instanceof RopoError) throw error;
      // Redis trouble must not stop onboarding on its own: fall back to a token for this process only.
      if (!this.redisFailureLogged) {
        this.redisFailureLogged = true;
        this.options.logger.warn('ropo token cache unavailable in Redis; using a process-local token', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return this.fetchAndRemember(undefined);
    }
  }

  private async acquireShared(stale: string | undefined, ahead: boolean): Promise<string> {
    const { redis, lockTtlMs } = this.options;
    const pollMs = this.options.pollMs ?? 25;
    const deadline = this.now() + lockTtlMs + 1000;
    for (;;) {
      const cached = await this.read();
      if (this.usable(cached, stale, ahead)) {
        this.local = cached;
        return cached.token;
      }
      const owner = randomBytes(12).toString('hex');
      if ((await redis.set(this.lockKey, owner, 'PX', lockTtlMs, 'NX')) === 'OK') {
        try {
          // Someone may have written a token between our read and our lock.
          const again = await this.read();
          if (this.usable(again, stale, ahead)) {
            this.local = again;
            return again.token;
          }
          return await this.fetchAndRemember(owner);
        } finally {
          await redis.eval(RELEASE_LOCK, 1, this.lockKey, owner).catch(() => undefined);
        }
      }
      if (this.now() > deadline) {
        throw new RopoUnavailableError(
          'Timed out waiting for another process to refresh the Ropo One token',
          {
            outcomeUnknown: false,
          },
        );
      }
      await sleep(pollMs);
    }
  }

  private async fetchAndRemember(owner: string | undefined): Promise<string> {
    const started = this.now();
    const token = await this.options.fetchToken();
    const entry = this.entryFor(token, started);
    this.local = entry;
    const ttl = entry.expiresAt - this.now();
    if (owner !== undefined && ttl > 0) {
      await this.options.redis.set(this.options.key, JSON.stringify(entry), 'PX', Math.ceil(ttl));
    }
    this.options.logger.info('ropo token refreshed', {
      durationMs: this.now() - started,
      usableForMs: Math.max(0, Math.round(ttl)),
    });
    return token;
  }

  private entryFor(token: string, fetchedAt: number): CachedToken {
    const exp = readJwtExpiryMs(token) ?? fetchedAt + DEFAULT_TOKEN_LIFETIME_MS;
    const lifetime = Math.max(0, exp - fetchedAt);
    const margin = Math.min(this.options.safetyMarginMs ?? 5 * 60_000, lifetime / 5);
    const expiresAt = exp - margin;
    const usableLife = Math.max(0, expiresAt - fetchedAt);
    const refreshAt = expiresAt - Math.min(this.options.refreshAheadMs ?? 10 * 60_000, usableLife / 5);
    return { token, expiresAt, refreshAt };
  }

  private async read(): Promise<CachedToken | undefined> {
    const raw = await this.options.redis.get(this.options.key);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<CachedToken>;
      if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'number') return undefined;
      return {
        token: parsed.token,
        expiresAt: parsed.expiresAt,
        refreshAt: parsed.refreshAt ?? parsed.expiresAt,
      };
    } catch {
      return undefined;
    }
  }
}
