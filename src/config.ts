import { z } from 'zod';
import { ONBOARD_REQUEST_EVENT_TYPE } from './contracts/events';
import { isUuidText } from './contracts/profile-uuid';
import { ropoTargetId, SANDBOX_TARGET_ID } from './contracts/ropo-target-id';
import { ConfigError } from './errors/config-error';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Ropo One's documented hosts, chosen with ROPO_ENV. */
export const ROPO_ENV_PRESETS = {
  test: 'https://rc.ropo24.fi/rest',
  production: 'https://ropo24.fi/rest',
} as const;

import type { Config } from './config-types';
import {
  bool,
  credentialKeys,
  duration,
  httpUrl,
  int,
  list,
  queuePrefix,
  redisUrl,
  retention,
} from './config-values';

/** Every environment variable the service reads, parsed once. Names are fixed: operators' scripts depend on them. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    REDIS_URL: redisUrl.optional(),
    QUEUE_PREFIX: queuePrefix.default('bull'),
    ROPO_BASE_URL: httpUrl.optional(),
    ROPO_ENV: z.enum(['test', 'production']).optional(),
    ROPO_SANDBOX: bool.optional(),
    ROPO_CID: z.string().min(1).optional(),
    ROPO_APICODE: z.string().min(1).optional(),
    ROPO_TIMEOUT_MS: int(100, 300_000).default(15_000),
    SANDBOX_PORT: int(0, 65_535).default(4010),
    WORKER_CONCURRENCY: int(1, 1000).default(10),
    LOCK_DURATION_MS: int(1000, 3_600_000).default(30_000),
    STALLED_INTERVAL_MS: int(1000, 3_600_000).default(30_000),
    MAX_STALLED_COUNT: int(0, 100).default(1),
    BREAKER_THRESHOLD: int(1, 1000).default(5),
    BREAKER_HALF_OPEN_MS: int(100, 3_600_000).default(10_000),
    RATE_LIMIT_MAX: int(1, 1_000_000).default(50),
    RATE_LIMIT_DURATION_MS: int(1, 3_600_000).default(1000),
    JOB_ATTEMPTS: int(1, 100).default(8),
    BACKOFF_BASE_MS: int(1, 3_600_000).default(1000),
    BACKOFF_MAX_MS: int(1, 86_400_000).default(300_000),
    HTTP_PORT: int(0, 65_535).default(3000),
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    HTTP_PROCESSES: int(1, 64).default(1),
    HTTP_REQUEST_TIMEOUT_MS: int(1000, 600_000).default(30_000),
    HTTP_HEADERS_TIMEOUT_MS: int(100, 120_000).default(10_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: int(0, 120_000).default(5_000),
    HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(1_000),
    INTAKE_TOKENS: list.default([]),
    OPERATOR_TOKENS: list.default([]),
    CREDENTIALS_TOKENS: list.default([]),
    WEBHOOK_SECRETS: list.default([]).refine((v) => v.every((s) => s.startsWith('whsec_')), {
      message: 'expected whsec_… secrets, comma-separated',
    }),
    INTAKE_MAPPER: z.string().min(1).optional(),
    // CloudEvents `type` is a free string, but a space in one is a typo in the list.
    INTAKE_EVENT_TYPES: list
      .refine((v) => v.length > 0 && v.every((t) => /^[\x21-\x7e]{1,200}$/.test(t)), {
        message: 'expected CloudEvents types (printable, no spaces), comma-separated',
      })
      .default([ONBOARD_REQUEST_EVENT_TYPE]),
    ACTIVATION_API_KEYS: list.default([]),
    CREDENTIALS_KEYS: credentialKeys.optional(),
    PROFILE_UUID_NAMESPACE: z
      .string()
      .refine(isUuidText, {
        message: 'expected a UUID, e.g. from `node -e "console.log(crypto.randomUUID())"`',
      })
      .transform((v) => v.toLowerCase())
      .optional(),
    WIZARD_STALLED_AFTER: duration.default(7 * 86_400_000),
    BOARD_USERNAME: z.string().min(1).optional(),
    BOARD_PASSWORD: z.string().min(1).optional(),
    BOARD_READ_ONLY: bool.default(false),
    BOARD_SHOW_PAYLOADS: bool.optional(),
    INTAKE_MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(100 * 1024),
    INTAKE_MAX_BATCH_BYTES: int(1024, 100 * 1024 * 1024).default(5 * 1024 * 1024),
    INTAKE_MAX_BATCH_LINES: int(1, 1_000_000).default(10_000),
    INTAKE_MAX_BACKLOG: int(0, 1_000_000_000).default(100_000),
    INTAKE_REDIS_TIMEOUT_MS: int(100, 60_000).default(2000),
    METRICS_PORT: int(0, 65_535).optional(),
    AMQP_URL: z
      .string()
      .regex(/^amqps?:\/\//, 'expected amqp://user:pass@host:port or amqps://…')
      .optional(),
    AMQP_QUEUE: z.string().min(1).max(255).default('onboarding-signups'),
    AMQP_PREFETCH: int(1, 65_535).default(400),
    NATS_SERVERS: list.optional(),
    NATS_STREAM: z.string().min(1).default('SIGNUPS'),
    NATS_CONSUMER: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected letters, digits, _ or -')
      .default('onboarding-bridge'),
    NATS_SUBJECT: z.string().min(1).default('signups.>'),
    NATS_PREFETCH: int(1, 65_535).default(400),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
    SHUTDOWN_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
    REDIS_CONNECT_TIMEOUT_MS: int(100, 600_000).default(5000),
    DATA_DIR: z.string().min(1).default('.data'),
    EVENT_SINKS: z.string().min(1).optional(),
    SINK_DISABLE_AFTER: duration.default(3 * 86_400_000),
    SINK_CONCURRENCY: int(1, 1000).default(10),
    SINK_TIMEOUT_MS: int(100, 300_000).default(10_000),
    SINK_BACKOFF_BASE_MS: int(1, 3_600_000).default(1000),
    SINK_BACKOFF_MAX_MS: int(1, 86_400_000).default(600_000),
    SINK_RETENTION: duration.default(7 * 86_400_000),
    EVENTS_RETENTION: retention.default({ ageMs: 30 * 86_400_000, count: 100_000 }),
    COMPLETED_RETENTION: retention.default({ ageMs: 30 * 86_400_000, count: undefined }),
    DEAD_LETTER_RETENTION_DAYS: int(1, 3650).default(90),
    AUDIT_RETENTION: retention.default({ ageMs: 400 * 86_400_000, count: undefined }),
    RETENTION_SWEEP_EVERY: duration.default(3_600_000),
    ERASURE_HMAC_KEY: z
      .string()
      .min(32, 'expected at least 32 characters, e.g. from `openssl rand -hex 32`')
      .optional(),
  })
  .superRefine((env, ctx) => {
    // Node refuses a server whose headers may take longer than the whole request.
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS})`,
      });
    }
    const targets = [
      env.ROPO_BASE_URL && 'ROPO_BASE_URL',
      env.ROPO_ENV && 'ROPO_ENV',
      env.ROPO_SANDBOX && 'ROPO_SANDBOX',
    ];
    const chosen = targets.filter(Boolean);
    if (chosen.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [chosen[1] as string],
        message: `set only one of ROPO_BASE_URL, ROPO_ENV and ROPO_SANDBOX=true (got ${chosen.join(' and ')})`,
      });
    }
    if ((env.ROPO_BASE_URL || env.ROPO_ENV) && (!env.ROPO_CID || !env.ROPO_APICODE)) {
      for (const variable of ['ROPO_CID', 'ROPO_APICODE'] as const) {
        if (!env[variable])
          ctx.addIssue({
            code: 'custom',
            path: [variable],
            message: 'required when ROPO_BASE_URL or ROPO_ENV is set',
          });
      }
    }
    if (env.BACKOFF_MAX_MS < env.BACKOFF_BASE_MS) {
      ctx.addIssue({ code: 'custom', path: ['BACKOFF_MAX_MS'], message: 'must be at least BACKOFF_BASE_MS' });
    }
    if (env.SINK_BACKOFF_MAX_MS < env.SINK_BACKOFF_BASE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SINK_BACKOFF_MAX_MS'],
        message: 'must be at least SINK_BACKOFF_BASE_MS',
      });
    }
    if ((env.BOARD_USERNAME === undefined) !== (env.BOARD_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOARD_PASSWORD'],
        message: 'BOARD_USERNAME and BOARD_PASSWORD go together',
      });
    }
  });

export type { Config, HttpServerLimits, Retention } from './config-types';

/** Parses the environment; throws {@link ConfigError} naming every bad variable. Never echoes a value. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`FOO=` in a compose file) means "not set", not "the empty string".
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        reason: issue.message,
      })),
    );
  }
  const e = parsed.data;
  const baseUrl = e.ROPO_BASE_URL ?? (e.ROPO_ENV ? ROPO_ENV_PRESETS[e.ROPO_ENV] : undefined);
  return {
    env: e.NODE_ENV,
    redis: {
      url: e.REDIS_URL ?? DEFAULT_REDIS_URL,
      explicit: e.REDIS_URL !== undefined,
      prefix: e.QUEUE_PREFIX,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    },
    ropo: {
      baseUrl,
      sandbox: e.ROPO_SANDBOX ?? false,
      cid: e.ROPO_CID,
      apicode: e.ROPO_APICODE,
      timeoutMs: e.ROPO_TIMEOUT_MS,
      // No base URL means the built-in sandbox, whoever starts it (start, or ROPO_SANDBOX=true).
      target: baseUrl ? ropoTargetId(baseUrl, e.ROPO_CID ?? '') : SANDBOX_TARGET_ID,
    },
    sandbox: { port: e.SANDBOX_PORT },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      rateLimit: { max: e.RATE_LIMIT_MAX, durationMs: e.RATE_LIMIT_DURATION_MS },
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      lockDurationMs: e.LOCK_DURATION_MS,
      stalledIntervalMs: e.STALLED_INTERVAL_MS,
      maxStalledCount: e.MAX_STALLED_COUNT,
    },
    breaker: { threshold: e.BREAKER_THRESHOLD, halfOpenAfterMs: e.BREAKER_HALF_OPEN_MS },
    retry: { attempts: e.JOB_ATTEMPTS, backoffBaseMs: e.BACKOFF_BASE_MS, backoffMaxMs: e.BACKOFF_MAX_MS },
    http: {
      port: e.HTTP_PORT,
      host: e.HTTP_HOST,
      processes: e.HTTP_PROCESSES,
      limits: {
        requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
        headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
        keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxConnections: e.HTTP_MAX_CONNECTIONS,
      },
      intakeTokens: e.INTAKE_TOKENS,
      operatorTokens: e.OPERATOR_TOKENS,
      credentialsTokens: e.CREDENTIALS_TOKENS,
    },
    activation: {
      apiKeys: e.ACTIVATION_API_KEYS,
      credentialKeys: e.CREDENTIALS_KEYS ?? [],
      profileUuidNamespace: e.PROFILE_UUID_NAMESPACE,
      wizardStalledAfterMs: e.WIZARD_STALLED_AFTER,
    },
    board: { username: e.BOARD_USERNAME, password: e.BOARD_PASSWORD, readOnly: e.BOARD_READ_ONLY },
    boardView: { showPayloads: e.BOARD_SHOW_PAYLOADS },
    intake: {
      maxBodyBytes: e.INTAKE_MAX_BODY_BYTES,
      maxBatchBytes: e.INTAKE_MAX_BATCH_BYTES,
      maxBatchLines: e.INTAKE_MAX_BATCH_LINES,
      maxBacklog: e.INTAKE_MAX_BACKLOG,
      redisTimeoutMs: e.INTAKE_REDIS_TIMEOUT_MS,
      webhookSecrets: e.WEBHOOK_SECRETS,
      mapper: e.INTAKE_MAPPER,
      eventTypes: e.INTAKE_EVENT_TYPES,
    },
    metrics: { port: e.METRICS_PORT },
    amqp: { url: e.AMQP_URL, queue: e.AMQP_QUEUE, prefetch: e.AMQP_PREFETCH },
    nats: {
      servers: e.NATS_SERVERS,
      stream: e.NATS_STREAM,
      consumer: e.NATS_CONSUMER,
      subject: e.NATS_SUBJECT,
      prefetch: e.NATS_PREFETCH,
    },
    log: { level: e.LOG_LEVEL },
    dataDir: e.DATA_DIR,
    delivery: {
      sinksFile: e.EVENT_SINKS,
      disableAfterMs: e.SINK_DISABLE_AFTER,
      concurrency: e.SINK_CONCURRENCY,
      timeoutMs: e.SINK_TIMEOUT_MS,
      backoffBaseMs: e.SINK_BACKOFF_BASE_MS,
      backoffMaxMs: e.SINK_BACKOFF_MAX_MS,
      retentionMs: e.SINK_RETENTION,
    },
    retention: {
      events: e.EVENTS_RETENTION,
      completed: e.COMPLETED_RETENTION,
      deadLetterMs: e.DEAD_LETTER_RETENTION_DAYS * 86_400_000,
      audit: e.AUDIT_RETENTION,
      sweepEveryMs: e.RETENTION_SWEEP_EVERY,
    },
    erasure: { hmacKey: e.ERASURE_HMAC_KEY },
  };
}
