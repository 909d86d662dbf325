import type { z } from 'zod';
import type { configSchema } from './config';
import type { CredentialKey } from './contracts/credential-cipher';

// The shape loadConfig gives the rest of the service, grouped by concern (config.ts parses).
type Env = z.output<typeof configSchema>;

/** HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_MAX_CONNECTIONS. */
export interface HttpServerLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/** The service's settings, grouped by concern; read once at start-up and passed in. */
export interface Config {
  env: Env['NODE_ENV'];
  /** `connectTimeoutMs` bounds how long a CLI command waits for Redis before it fails. */
  redis: { url: string; explicit: boolean; prefix: string; connectTimeoutMs: number };
  /**
   * `baseUrl` is ROPO_BASE_URL or the ROPO_ENV preset; `sandbox` is ROPO_SANDBOX=true. Neither set:
   * no target was chosen, which only `start` accepts (see src/cli/ropo-target.ts). `target` namespaces
   * everything keyed by customer: a hash of base URL + cid, or `sandbox` for the built-in simulator.
   */
  ropo: {
    baseUrl?: string;
    sandbox: boolean;
    cid?: string;
    apicode?: string;
    timeoutMs: number;
    target: string;
  };
  sandbox: { port: number };
  worker: {
    concurrency: number;
    rateLimit: { max: number; durationMs: number };
    shutdownTimeoutMs: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    maxStalledCount: number;
  };
  breaker: { threshold: number; halfOpenAfterMs: number };
  retry: { attempts: number; backoffBaseMs: number; backoffMaxMs: number };
  /** `processes`: how many processes `serve` runs on the one port (Node's cluster); 1 = just this one. */
  http: {
    port: number;
    host: string;
    processes: number;
    /** Bounds on what one client may hold: see src/http/http-server.ts. */
    limits: HttpServerLimits;
    /** INTAKE_TOKENS: may enqueue and read onboarding status. */
    intakeTokens: string[];
    /** OPERATOR_TOKENS: dead letters, customers, erasure and every other operator route. */
    operatorTokens: string[];
    /** CREDENTIALS_TOKENS: may read an activated customer's Ropo One credentials, nothing else. */
    credentialsTokens: string[];
  };
  board: { username?: string; password?: string; readOnly: boolean };
  /**
   * Ropo One's APIkey callback. `apiKeys`: ACTIVATION_API_KEYS, the keys Ropo may send (several for
   * rotation). `credentialKeys`: CREDENTIALS_KEYS, the first seals new apicodes, all open; none →
   * the endpoint answers 503. `profileUuidNamespace`: PROFILE_UUID_NAMESPACE, else one kept in Redis.
   */
  activation: {
    apiKeys: string[];
    credentialKeys: CredentialKey[];
    profileUuidNamespace?: string;
    wizardStalledAfterMs: number;
  };
  /** BOARD_SHOW_PAYLOADS; unset: payloads (personal data) are shown only by `start`'s open sandbox board. */
  boardView: { showPayloads?: boolean };
  /**
   * Limits of the HTTP intake. `maxBacklog` 0 turns backpressure off; `redisTimeoutMs` bounds how
   * long an enqueue may wait for Redis before the request is answered 503.
   */
  intake: {
    maxBodyBytes: number;
    maxBatchBytes: number;
    /** INTAKE_MAX_BATCH_LINES: records one NDJSON batch may hold (413 above, before any is read). */
    maxBatchLines: number;
    maxBacklog: number;
    redisTimeoutMs: number;
    /** WEBHOOK_SECRETS: `whsec_…`, any may match; empty leaves /v1/webhooks/signups unmounted. */
    webhookSecrets: string[];
    /** INTAKE_MAPPER: a module whose default (or `map`) export turns an upstream event into a record. */
    mapper?: string;
    /** INTAKE_EVENT_TYPES: the CloudEvents `type`s every way in accepts; others are 422 EVENT_TYPE_UNKNOWN (HTTP) or that dead letter (bridges). */
    eventTypes: string[];
  };
  /** A standalone `worker` serves /metrics and /healthz on `port` when it is set. */
  metrics: { port?: number };
  /** `bridge amqp`: the broker (AMQP_URL, no default: a bridge is switched on explicitly), queue and prefetch window. */
  amqp: { url?: string; queue: string; prefetch: number };
  /** `bridge nats`: JetStream servers (no default), stream, durable consumer, subject filter, pull window. */
  nats: { servers?: string[]; stream: string; consumer: string; subject: string; prefetch: number };
  log: { level: string };
  dataDir: string;
  /**
   * Outcome delivery: `sinksFile` (EVENT_SINKS) names the JSON list of sinks, unset = no delivery.
   * A sink failing without one success for `disableAfterMs` disables itself; delivered events are
   * kept for `retentionMs` only.
   */
  delivery: {
    sinksFile?: string;
    disableAfterMs: number;
    concurrency: number;
    timeoutMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    retentionMs: number;
  };
  /**
   * How long personal data stays (docs/privacy.md). `events`: EVENTS_RETENTION for
   * `onboarding-events`, consumed or not; `completed`: COMPLETED_RETENTION for completed onboarding
   * jobs (already stripped to a stub); `deadLetterMs`: DEAD_LETTER_RETENTION_DAYS; `audit`:
   * AUDIT_RETENTION for the credential and erasure audit streams; the worker enforces all four
   * every `sweepEveryMs` (RETENTION_SWEEP_EVERY).
   */
  retention: {
    events: Retention;
    completed: Retention;
    deadLetterMs: number;
    audit: Retention;
    sweepEveryMs: number;
  };
  /** `hmacKey`: ERASURE_HMAC_KEY, keys the hash of business ids in the erasure audit; unset → one generated in Redis. */
  erasure: { hmacKey?: string };
}

/** An age limit and an optional count limit. */
export interface Retention {
  ageMs: number;
  count?: number;
}
