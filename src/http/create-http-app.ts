import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import type { OnboardingJobData, OnboardingJobResult } from '../contracts/onboarding-job';
import type { Logger } from '../logger';
import type { Tracing } from '../telemetry/tracing';
import type { RedisClient } from '../queues/connection';
import { createDeadLetterOperations } from '../queues/dead-letter-operations';
import { createOnboardingProducer } from '../queues/onboarding-producer';
import { QUEUE_NAMES } from '../queues/queue-names';
import { bearerTokens, requireScope, TOKEN_SCOPES } from './auth';
import { createBacklogProbe } from '../queues/backlog-probe';
import { activationRouter } from './activation-router';
import { boardRouter } from './board';
import { customerRouter } from './customer-router';
import { createActivationMetrics } from './activation-metrics';
import { createCredentialStore } from '../queues/credential-store';
import { readFunnel } from '../queues/customer-funnel';
import { eraseCustomer } from '../queues/customer-erasure';
import { firstEnqueuedAt, readCustomerTimeline } from '../queues/customer-timeline';
import { createEventPublisher } from '../queues/event-publisher';
import { createLedger } from '../queues/onboarding-ledger';
import { createProfileUuidIndex } from '../queues/profile-uuids';
import { deadLetterRouter } from './dead-letter-router';
import { errorHandler, notFoundHandler } from './errors';
import { createReadinessCheck, healthRouter } from './health';
import { createRedisGate } from './redis-availability';
import { intakeRouter } from './intake-router';
import { metricsRouter, registryMetrics, type MetricsSource } from './metrics-router';
import { onboardingStatusRouter } from './onboarding-status-router';
import { openApiRouter } from './openapi';
import { registerQueueMetrics } from './queue-metrics';
import { requestContextMiddleware } from './request-context';
import { apiHeaders } from './security-headers';
import { openQueue } from '../queues/open-queue';
import { loadIntakeMapper } from '../intake/load-mapper';
import { createWebhookVerifier } from '../intake/webhook-verifier';
import { webhookRouter } from './webhook-router';
import type { RedisOutageLog } from '../queues/redis-outage-log';
import { eventsRouter } from './events-router';
import { continueEventTrace } from '../telemetry/message-context';

/** Dependencies of the HTTP surface; the caller owns (and closes) the connection and the registry. */
export interface HttpAppDeps {
  config: Pick<Config, 'env' | 'redis' | 'ropo' | 'http' | 'board' | 'boardView' | 'intake' | 'retry'> & {
    activation?: Config['activation'];
    erasure?: Config['erasure'];
  };
  logger: Logger;
  /**
   * A 'producer' connection (fails fast). Not the worker's: that one retries forever, and a request
   * must be answered 503 rather than wait for Redis to come back. The app logs its errors.
   */
  connection: RedisClient;
  /** Where /metrics reads from; in `start` the worker's metrics are in the same registry. */
  registry: Registry;
  /** What /metrics answers instead of `registry` alone: every process's metrics, in a cluster. */
  metrics?: MetricsSource;
  /** Serve the board without a login: only `start` on loopback in sandbox mode sets this. */
  openBoard?: boolean;
  /** Tracing, when switched on: an intake request's trace continues into the job it adds. */
  tracing?: Tracing;
  /** The process's Redis outage log (one for the whole process); default one of the app's own. */
  redisOutage?: RedisOutageLog;
}

/** The app and how to release what it opened (its queues), after the server stopped. */
export interface HttpApp {
  app: Express;
  close(): Promise<void>;
}

/** Builds the HTTP surface: intake, job status, dead letters, Bull Board, health, metrics and OpenAPI. */
export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { config, logger, connection, registry } = deps;
  const prefix = config.redis.prefix;
  const redisTimeoutMs = config.intake.redisTimeoutMs;

  const onboarding = openQueue<OnboardingJobData, OnboardingJobResult>(
    QUEUE_NAMES.onboarding,
    connection,
    prefix,
  );
  const events = openQueue(QUEUE_NAMES.events, connection, prefix);
  const deadLetters = openQueue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, connection, prefix);
  const redis = createRedisGate(connection, { timeoutMs: redisTimeoutMs, logger, outage: deps.redisOutage });
  const producer = createOnboardingProducer({
    connection,
    prefix,
    attempts: config.retry.attempts,
    telemetry: deps.tracing?.enabled ? deps.tracing.bullmq : undefined,
  });
  const operations = createDeadLetterOperations(connection, prefix, {
    attempts: config.retry.attempts,
    ropoTarget: config.ropo.target,
    telemetry: deps.tracing?.enabled ? deps.tracing.bullmq : undefined,
  });
  registerQueueMetrics(registry, {
    queues: [onboarding, events, deadLetters],
    redis,
    prefix,
    timeoutMs: redisTimeoutMs,
  });

  if (config.http.intakeTokens.length === 0) {
    logger.warn('INTAKE_TOKENS is empty: the intake API will refuse every request');
  }
  if (config.http.operatorTokens.length === 0) {
    logger.warn('OPERATOR_TOKENS is empty: the dead-letter and operator API will refuse every request');
  }

  const activation = config.activation ?? { apiKeys: [], credentialKeys: [], wizardStalledAfterMs: 0 };
  const credentials = createCredentialStore(connection, prefix, activation.credentialKeys);
  const activationEvents = createEventPublisher(connection, prefix);
  const activationMetrics = createActivationMetrics(registry, () =>
    redis.run(() => readFunnel(connection, prefix, config.ropo.target)),
  );
  if (activation.credentialKeys.length === 0) {
    logger.warn(
      'CREDENTIALS_KEYS is empty: POST /v1/ropo/activations and the credentials API answer 503 (nothing is ever stored in clear)',
    );
  }
  if (activation.apiKeys.length === 0) {
    logger.warn("ACTIVATION_API_KEYS is empty: Ropo One's activation callback will be refused (401)");
  }

  const mapper = loadIntakeMapper(config.intake.mapper);
  const backlog = createBacklogProbe(onboarding, config.intake.maxBacklog);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Answers are small and mostly to POSTs; hashing each body for an ETag is wasted work.
  app.set('etag', false);
  app.use(requestContextMiddleware(logger));
  const board = boardRouter({
    queues: { onboarding, events, deadLetters },
    credentials: config.board,
    readOnly: config.board.readOnly,
    showPayloads: config.boardView.showPayloads ?? deps.openBoard === true,
    localSandbox: deps.openBoard === true,
    logger,
  });
  if (board) app.use(board);
  app.use(apiHeaders());
  app.use(healthRouter(createReadinessCheck({ redis, onboarding, prefix, timeoutMs: redisTimeoutMs })));
  app.use(metricsRouter(deps.metrics ?? registryMetrics(registry)));
  app.use(openApiRouter());
  // Signed by the sender instead of a Bearer token; unmounted (so behind the gate, 401) without secrets.
  if (config.intake.webhookSecrets.length > 0) {
    app.use(
      webhookRouter({
        producer,
        redis,
        verifier: createWebhookVerifier(config.intake.webhookSecrets),
        maxBodyBytes: config.intake.maxBodyBytes,
        mapper,
        eventTypes: config.intake.eventTypes,
      }),
    );
  }
  // Routes with their own authentication (signed webhooks, Ropo's callback) are mounted above this.
  app.use(
    activationRouter({
      apiKeys: activation.apiKeys,
      canSeal: activation.credentialKeys.length > 0,
      credentials,
      profileUuids: createProfileUuidIndex(connection, prefix, activation.profileUuidNamespace),
      ledger: createLedger(connection, prefix, config.ropo.target),
      events: activationEvents,
      redis,
      enqueuedAt: (businessId) => firstEnqueuedAt(connection, prefix, config.ropo.target, businessId),
      onActivated: activationMetrics.activated,
    }),
  );
  app.use(
    '/v1',
    bearerTokens({
      intake: config.http.intakeTokens,
      operator: config.http.operatorTokens,
      credentials: config.http.credentialsTokens,
    }),
    // Any valid token first, so that an unauthenticated caller cannot tell routes apart (401, not 404).
    requireScope(...TOKEN_SCOPES),
  );
  // Each route checks the scope its route table names; these prefix gates answer 403 (not 404) to a
  // token of another scope on any other path under them too.
  app.use('/v1/onboardings', requireScope('intake'));
  app.use('/v1/events', requireScope('intake'));
  app.use('/v1/dead-letters', requireScope('operator'));
  app.use(
    intakeRouter({
      producer,
      redis,
      backlog,
      limits: config.intake,
      eventTypes: config.intake.eventTypes,
    }),
  );
  app.use(
    eventsRouter({
      producer,
      redis,
      backlog,
      eventTypes: config.intake.eventTypes,
      limits: config.intake,
      mapper,
      withEventTrace: deps.tracing?.enabled
        ? (event, run) => continueEventTrace((deps.tracing as Tracing).tracer, event, run)
        : undefined,
    }),
  );
  app.use(onboardingStatusRouter({ redis, onboarding, deadLetters }));
  app.use(deadLetterRouter({ operations, redis, maxBodyBytes: config.intake.maxBodyBytes }));
  app.use(
    customerRouter({
      credentials,
      canOpen: activation.credentialKeys.length > 0,
      timeline: (businessId) =>
        readCustomerTimeline(connection, prefix, config.ropo.target, businessId, {
          hmacKey: config.erasure?.hmacKey,
        }),
      erase: (businessId, { who, dryRun }) =>
        eraseCustomer(connection, prefix, businessId, { who, dryRun, hmacKey: config.erasure?.hmacKey }),
      redis,
    }),
  );
  app.use(notFoundHandler());
  app.use(errorHandler());

  return {
    app,
    async close() {
      await Promise.all([producer.close(), operations.close(), activationEvents.close()]);
      await Promise.all([onboarding.close(), events.close(), deadLetters.close()]);
    },
  };
}
