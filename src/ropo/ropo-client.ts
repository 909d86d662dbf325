import type { AxiosResponse } from 'axios';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { readBusinessId } from '../contracts/onboarding-job';
import { ropoTargetId } from '../contracts/ropo-target-id';
import { RopoAuthError } from '../errors/ropo-auth-error';
import type { RopoError } from '../errors/ropo-error';
import { RopoUnexpectedResponseError } from '../errors/ropo-unexpected-response-error';
import type { Logger } from '../logger';
import { TOKEN_EXPIRED_STATUS } from './assumptions';
import { classifyAxiosError } from './classify';
import { parseCreateProfileBody, type CreateProfileResult } from './create-profile-result';
import { BeforeAttemptFailure, CREATE_PROFILE_PATH, createRopoTransport, TOKEN_PATH } from './ropo-transport';
import { SharedTokenCache } from './token-cache';

// The protocol half of the Ropo One client: the token call, createprofile and what a refused
// token means. The HTTP machinery (agents, interceptors, axios-retry) is ropo-transport.ts.

export type { CreateProfileResult } from './create-profile-result';

/** How to reach Ropo One and what to share the token through. */
export interface RopoClientOptions {
  /** Ropo One's REST base including /rest, e.g. http://127.0.0.1:4010/rest. */
  baseUrl: string;
  cid: string;
  apicode: string;
  /** Per-request timeout; a timed-out createprofile is never repeated in-process (its outcome is unknown). */
  timeoutMs?: number;
  /** For the shared token cache; the caller owns and closes it. */
  redis: Redis;
  /** Token cache keys live under `${keyPrefix}:ropo-token...`. */
  keyPrefix: string;
  logger: Logger;
  /** In-process retries of what is safe to repeat (refused connection, 429, 503). */
  retry?: { retries?: number; baseMs?: number; maxMs?: number };
  /** Metrics hook, called once per createprofile HTTP attempt. */
  onCall?: (info: { status: number | 'error'; durationMs: number }) => void;
}

/** Per-call options of {@link RopoClient.createProfile}. */
export interface CreateProfileOptions {
  /**
   * Awaited right before every createprofile HTTP attempt, in-process retries and the repeat after a
   * refused token included: where the global rate limit waits, as close to the socket as axios allows.
   */
  beforeAttempt?: () => Promise<void>;
}

/** Ropo One, as the worker sees it. */
export interface RopoClient {
  /** Creates a profile; throws RopoError subclasses (ROPO_DUPLICATE means it already exists). */
  createProfile(body: Record<string, unknown>, options?: CreateProfileOptions): Promise<CreateProfileResult>;
  /** Destroys the keep-alive agents; the Redis connection stays the caller's. */
  close(): Promise<void>;
}

const tokenBodySchema = z.object({ token: z.string().min(1) });

// A body the client serialised itself goes out as it is (the instance sends Content-Type JSON).
const SEND_AS_IS = [(data: unknown): unknown => data];

/** Token cache key: one per Ropo base URL and customer number, so switching credentials never reuses a token. */
function tokenKey(keyPrefix: string, baseUrl: string, cid: string): string {
  return `${keyPrefix}:ropo-token:${ropoTargetId(baseUrl, cid)}`;
}

/** Creates a Ropo One client: keep-alive HTTP, a Redis-shared token, safe in-process retries, classified errors. */
export function createRopoClient(options: RopoClientOptions): RopoClient {
  const { logger, onCall } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retry?.retries ?? 3;
  const policy = { baseMs: options.retry?.baseMs ?? 200, maxMs: options.retry?.maxMs ?? 5_000 };
  const transport = createRopoTransport({ baseUrl, timeoutMs, retries, policy, onCall });
  const client = transport.http;

  const fetchToken = async (): Promise<string> => {
    let response: AxiosResponse;
    try {
      response = await client.post(
        TOKEN_PATH,
        { cid: options.cid, apicode: options.apicode },
        {
          'axios-retry': {
            onRetry: (retryCount, error) => {
              logger.warn('ropo token call retried', {
                attempt: retryCount + 1,
                status: error.response?.status ?? 'error',
              });
            },
          },
        },
      );
    } catch (error) {
      throw classifyAxiosError('token', error);
    }
    const parsed = tokenBodySchema.safeParse(response.data);
    if (!parsed.success) {
      throw new RopoUnexpectedResponseError(
        `Ropo One POST /rest/token answered ${response.status} without a token`,
        {
          status: response.status,
        },
      );
    }
    return parsed.data.token;
  };

  const tokens = new SharedTokenCache({
    redis: options.redis,
    key: tokenKey(options.keyPrefix, baseUrl, options.cid),
    fetchToken,
    logger,
    // Long enough for one token call with all its retries.
    lockTtlMs: timeoutMs * (retries + 1) + policy.maxMs * retries + 1_000,
  });

  const post = async (
    body: Record<string, unknown>,
    token: string,
    businessId: string | undefined,
    beforeAttempt: (() => Promise<void>) | undefined,
  ): Promise<CreateProfileResult> => {
    const started = performance.now();
    try {
      // Serialised here: given a plain object, axios deep-copies it twice while merging the request's
      // config (about 40 µs for a complete payload) before it stringifies it. A JSON string it would
      // parse again to check it, hence SEND_AS_IS. A string rather than a Buffer: the adapter makes
      // the Buffer at the write, so none stays held (by the config) until the answer.
      const response = await client.post(CREATE_PROFILE_PATH, JSON.stringify(body), {
        transformRequest: SEND_AS_IS,
        headers: { Authorization: `Bearer ${token}` },
        ropoBeforeAttempt: beforeAttempt,
        'axios-retry': {
          onRetry: (retryCount, error) => {
            logger.warn('ropo createprofile retried', {
              businessId,
              attempt: retryCount + 1,
              status: error.response?.status ?? 'error',
            });
          },
        },
      });
      const result = parseCreateProfileBody(response.data, response.status);
      // winston formats (and redacts) every line before its transports filter by level: skip that work.
      if (logger.isLevelEnabled('debug'))
        logger.debug('ropo createprofile answered', {
          businessId,
          status: response.status,
          outcome: result.outcome,
          durationMs: Math.round(performance.now() - started),
        });
      return result;
    } catch (error) {
      if (error instanceof BeforeAttemptFailure) throw error.cause;
      const classified: RopoError = classifyAxiosError('createprofile', error);
      if (logger.isLevelEnabled('debug'))
        logger.debug('ropo createprofile failed', {
          businessId,
          status: classified.status ?? 'error',
          code: classified.code,
          durationMs: Math.round(performance.now() - started),
        });
      throw classified;
    }
  };

  let closed = false;
  return {
    async createProfile(body, callOptions) {
      if (closed) throw new Error('The Ropo One client is closed');
      const businessId = readBusinessId(body) ?? undefined;
      const token = await tokens.getToken();
      try {
        return await post(body, token, businessId, callOptions?.beforeAttempt);
      } catch (error) {
        if (!(error instanceof RopoAuthError) || error.status !== TOKEN_EXPIRED_STATUS) throw error;
        // A 401 was not processed: refresh once (shared with every other caller) and repeat once.
        logger.info('ropo token refused; refreshing', { businessId });
        const fresh = await tokens.refreshAfterRejection(token);
        return await post(body, fresh, businessId, callOptions?.beforeAttempt);
      }
    },
    async close() {
      closed = true;
      await tokens.settle();
      transport.close();
    },
  };
}
