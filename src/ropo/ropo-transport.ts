import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';
import { classifyAxiosError, type RopoEndpoint } from './classify';
import { decideRetry, type RetryDecision, type RetryPolicyOptions } from './retry-policy';

// The HTTP half of the Ropo One client: keep-alive agents, one axios instance, the per-attempt
// hook and timing, and axios-retry driven by the retry policy. What the calls mean (token,
// createprofile, a refused token) is ropo-client.ts's business.

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Our per-call hook, kept on the config because axios-retry replays that config for each retry. */
    ropoBeforeAttempt?: () => Promise<void>;
  }
}

/** Ropo One's paths under the base URL. */
export const TOKEN_PATH = '/token';
export const CREATE_PROFILE_PATH = '/profile/createprofile';

/** How the transport reaches Ropo One and how often it repeats what is safe to repeat. */
export interface RopoTransportOptions {
  /** Ropo One's REST base including /rest, without a trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  policy: RetryPolicyOptions;
  /** Metrics hook, called once per createprofile HTTP attempt. */
  onCall?: (info: { status: number | 'error'; durationMs: number }) => void;
}

/** The axios instance the protocol calls through, and how to release its sockets. */
export interface RopoTransport {
  http: AxiosInstance;
  /** Destroys the keep-alive agents. */
  close(): void;
}

/** Carries an error of the caller's `beforeAttempt` past axios, so it is not taken for Ropo One's. */
export class BeforeAttemptFailure extends Error {
  constructor(cause: unknown) {
    super('beforeAttempt failed', { cause });
  }
}

/** Which endpoint a request config targets. */
export function endpointOf(url: string | undefined): RopoEndpoint {
  return url === TOKEN_PATH ? 'token' : 'createprofile';
}

/** Creates the keep-alive axios instance with its interceptors and in-process retries. */
export function createRopoTransport(options: RopoTransportOptions): RopoTransport {
  const { policy, onCall } = options;
  // Getting a token has no side effect, so even unknown-outcome failures may be repeated.
  const tokenPolicy: RetryPolicyOptions = { ...policy, retryUnknownOutcome: true };
  // axios sets every request's socket to keep-alive probes after 60 s and the agent resets its free
  // sockets to keepAliveMsecs (1 s by default): alternating, the pair cost two setsockopt rounds per
  // call. Both at 60 s, Node sees no change and makes none (profiled: about 3% of a job's CPU).
  const agentOptions = { keepAlive: true, keepAliveMsecs: 60_000, scheduling: 'lifo' } as const;
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    httpAgent,
    httpsAgent,
    // A redirected POST may be replayed as a GET or to another host: never follow.
    maxRedirects: 0,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  });

  // Per-attempt bookkeeping kept off the axios config object, which axios-retry copies and logs could leak.
  const startedAt = new WeakMap<object, number>();
  const decisions = new WeakMap<object, RetryDecision>();

  // axios-retry sends every retry through the interceptors again, so each attempt waits its turn.
  client.interceptors.request.use(async (config) => {
    if (config.ropoBeforeAttempt) {
      try {
        await config.ropoBeforeAttempt();
      } catch (error) {
        // Nothing was sent: this is the caller's failure (Redis, say), not Ropo One's.
        throw new BeforeAttemptFailure(error);
      }
    }
    startedAt.set(config, performance.now());
    return config;
  });
  const report = (config: object | undefined, status: number | 'error'): void => {
    if (!onCall || !config) return;
    const started = startedAt.get(config);
    if (started === undefined || endpointOf((config as { url?: string }).url) !== 'createprofile') return;
    onCall({ status, durationMs: performance.now() - started });
  };
  client.interceptors.response.use(
    (response: AxiosResponse) => {
      report(response.config, response.status);
      return response;
    },
    (error: AxiosError) => {
      report(error.config, error.response?.status ?? 'error');
      return Promise.reject(error);
    },
  );

  axiosRetry(client, {
    retries: options.retries,
    // Every attempt gets the full timeout; the delays are bounded by the policy instead.
    shouldResetTimeout: true,
    retryCondition: (error) => {
      const endpoint = endpointOf(error.config?.url);
      const attempt = (error.config?.['axios-retry']?.retryCount ?? 0) + 1;
      const decision = decideRetry(
        classifyAxiosError(endpoint, error),
        attempt,
        endpoint === 'token' ? tokenPolicy : policy,
      );
      decisions.set(error, decision);
      return decision.retry;
    },
    retryDelay: (_count, error) => {
      const decision = decisions.get(error);
      return decision?.retry ? decision.delayMs : policy.baseMs;
    },
  });

  return {
    http: client,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
