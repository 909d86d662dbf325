import type { Command } from 'commander';
import { startAmqpBridge } from '../../bridges/amqp-bridge';
import { createBridgeCore, type BridgeCore } from '../../bridges/bridge-core';
import { startNatsBridge } from '../../bridges/nats-bridge';
import type { Config } from '../../config';
import { ConfigError } from '../../errors/config-error';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import { loadIntakeMapper } from '../../intake/load-mapper';
import type { Logger } from '../../logger';
import { createBacklogProbe } from '../../queues/backlog-probe';
import { createRedisConnection } from '../../queues/connection';
import { createDeadLetterWriter } from '../../queues/dead-letter-queue';
import { createOnboardingProducer } from '../../queues/onboarding-producer';
import { openQueue } from '../../queues/open-queue';
import { QUEUE_NAMES } from '../../queues/queue-names';
import { serveMetricsPort } from '../metrics-port';
import type { ProcessLifecycle } from '../lifecycle';
import { runRole } from '../role-process';

type BridgeName = 'amqp' | 'nats';

/** Runs one bridge: Redis side, metrics and the broker side `start` opens; stops on SIGTERM. */
async function runBridge(
  name: BridgeName,
  start: (ctx: { config: Config; core: BridgeCore; logger: Logger; lifecycle: ProcessLifecycle }) => Promise<{
    stop(): Promise<void>;
  }>,
): Promise<void> {
  await runRole(
    { role: `bridge-${name}`, tracing: 'bridge' },
    async ({ config, logger, output, lifecycle, tracing }) => {
      // A producer connection fails fast, so the bridge notices Redis is gone and holds its messages.
      const connection = createRedisConnection(config.redis.url, 'producer');
      // Its connection errors go to the process's one outage log: a line when Redis goes, one a minute, one when back.
      connection.on('error', (error: Error) => output.outage.error(error, 'connection'));
      connection.on('ready', () => output.outage.available());
      lifecycle.add(async () => {
        await connection.quit().catch(() => connection.disconnect());
      });
      const producer = createOnboardingProducer({
        connection,
        prefix: config.redis.prefix,
        attempts: config.retry.attempts,
        telemetry: tracing.enabled ? tracing.bullmq : undefined,
      });
      const deadLetters = createDeadLetterWriter(connection, config.redis.prefix);
      const onboarding = openQueue(QUEUE_NAMES.onboarding, connection, config.redis.prefix);
      lifecycle.add(async () => {
        await Promise.all([producer.close(), deadLetters.close(), onboarding.close()]);
      });
      const registry = createMetricsRegistry();
      const core = createBridgeCore({
        bridge: name,
        producer,
        deadLetters,
        logger,
        registry,
        mapper: loadIntakeMapper(config.intake.mapper),
        eventTypes: config.intake.eventTypes,
        // Read at most once a second, as the HTTP intake does: per batch it was one more round trip
        // and socket write for every hundred records.
        backlog: createBacklogProbe(onboarding, config.intake.maxBacklog),
        tracing: tracing.enabled
          ? {
              tracer: tracing.tracer,
              destination: name === 'amqp' ? config.amqp.queue : config.nats.subject,
              telemetry: tracing.bullmq,
            }
          : undefined,
      });
      const bridge = await start({ config, core, logger, lifecycle });
      lifecycle.add(bridge.stop);
      const metricsUrl = await serveMetricsPort(config, registry, logger, lifecycle);
      logger.info('bridge ready', { bridge: name, metrics: metricsUrl });
    },
  );
}

/** `bridge amqp|nats`: moves broker messages into the onboarding queue, acking each only after it is stored. */
export function registerBridgeCommand(program: Command): void {
  const bridge = program
    .command('bridge')
    .description('move upstream broker messages into the onboarding queue');
  bridge
    .command('amqp')
    .description(
      'consume AMQP_QUEUE on AMQP_URL (RabbitMQ); ack only after the job is stored; /metrics on METRICS_PORT',
    )
    .action(() =>
      runBridge('amqp', ({ config, core, logger, lifecycle }) => {
        const url = config.amqp.url;
        if (url === undefined) {
          throw new ConfigError([
            {
              variable: 'AMQP_URL',
              reason: 'required by `bridge amqp` (e.g. amqp://guest:guest@127.0.0.1:5672)',
            },
          ]);
        }
        return startAmqpBridge({
          url,
          queue: config.amqp.queue,
          prefetch: config.amqp.prefetch,
          core,
          logger,
          onLost: (error) => {
            logger.error('AMQP bridge lost its broker; stopping so a supervisor restarts it', {
              error: error.message,
            });
            process.exitCode = 1;
            lifecycle.shutdown('AMQP connection lost');
          },
        });
      }),
    );
  bridge
    .command('nats')
    .description(
      'pull NATS_SUBJECT from NATS_STREAM through the durable NATS_CONSUMER; ack only after the job is stored',
    )
    .action(() =>
      runBridge('nats', ({ config, core, logger }) => {
        const servers = config.nats.servers;
        if (servers === undefined || servers.length === 0) {
          throw new ConfigError([
            { variable: 'NATS_SERVERS', reason: 'required by `bridge nats` (e.g. 127.0.0.1:4222)' },
          ]);
        }
        return startNatsBridge({ ...config.nats, servers, core, logger });
      }),
    );
}
