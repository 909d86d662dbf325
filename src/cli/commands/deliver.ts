import type { Command } from 'commander';
import type { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../config';
import { startDelivery } from '../../delivery/delivery-service';
import { loadSinks } from '../../delivery/sink-config';
import { createSinkControl } from '../../delivery/sink-control';
import { createMetricsRegistry } from '../../pipeline/prometheus-observer';
import type { Logger } from '../../logger';
import { createRedisConnection } from '../../queues/connection';
import { serveMetricsPort } from '../metrics-port';
import type { Lifecycle } from '../lifecycle';
import { parseDuration } from '../../contracts/duration';
import type { Tracing } from '../../telemetry/tracing';
import { runRole } from '../role-process';
import type { RedisOutageLog } from '../../queues/redis-outage-log';

/** Starts delivery to the EVENT_SINKS sinks on `redisUrl`; registers its stops. Used by `deliver` and `start`. */
export async function startDeliveryStack(
  config: Config,
  redisUrl: string,
  logger: Logger,
  lifecycle: Lifecycle,
  options: { registry?: Registry; tracing?: Tracing; redisOutage?: RedisOutageLog } = {},
): Promise<void> {
  if (!config.delivery.sinksFile) throw new Error('EVENT_SINKS is not set: name the JSON file of sinks');
  const sinks = loadSinks(config.delivery.sinksFile);
  const connection = createRedisConnection(redisUrl, 'worker');
  lifecycle.add(async () => void (await connection.quit()));
  const outage = options.redisOutage;
  if (outage) {
    connection.on('error', (error: Error) => outage.error(error, 'connection'));
    connection.on('ready', () => outage.available());
  }
  const delivery = await startDelivery({
    connection,
    prefix: config.redis.prefix,
    sinks,
    logger,
    registry: options.registry,
    settings: config.delivery,
    telemetry: options.tracing?.enabled ? options.tracing.bullmq : undefined,
    eventsRetention: config.retention.events,
    redisOutage: outage,
  });
  lifecycle.add(delivery.close);
}

/** `deliver`: sends outcome events to the sinks in EVENT_SINKS; `sinks`: list, enable, disable, replay. */
export function registerDeliverCommand(program: Command): void {
  program
    .command('deliver')
    .description(
      'deliver outcome events to the sinks in EVENT_SINKS (webhooks, RabbitMQ, NATS); ' +
        'with METRICS_PORT set, serve /metrics and /healthz there',
    )
    .action(() =>
      runRole({ role: 'deliver' }, async ({ config, logger, output, lifecycle, tracing }) => {
        const registry = config.metrics.port === undefined ? undefined : createMetricsRegistry();
        await startDeliveryStack(config, config.redis.url, logger, lifecycle, {
          registry,
          tracing,
          redisOutage: output.outage,
        });
        const metricsUrl = await serveMetricsPort(config, registry, logger, lifecycle);
        logger.info('deliver ready', { queuePrefix: config.redis.prefix, metrics: metricsUrl });
      }),
    );

  const sinks = program
    .command('sinks')
    .description('operate the EVENT_SINKS sinks: list, enable, disable, replay');
  const withControl = async <T>(run: (control: ReturnType<typeof createSinkControl>) => Promise<T>) => {
    const config = loadConfig();
    if (!config.delivery.sinksFile) throw new Error('EVENT_SINKS is not set: name the JSON file of sinks');
    const connection = createRedisConnection(config.redis.url, 'producer');
    const control = createSinkControl(connection, config.redis.prefix, loadSinks(config.delivery.sinksFile));
    try {
      return await run(control);
    } finally {
      await control.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  };
  sinks
    .command('list')
    .description('each sink with its state and queue counts, as JSON lines')
    .action(() =>
      withControl(async (control) => {
        for (const row of await control.list()) process.stdout.write(`${JSON.stringify(row)}\n`);
      }),
    );
  sinks
    .command('enable <name>')
    .description('re-enable a disabled sink; its waiting events go out')
    .action((name: string) => withControl((control) => control.enable(name)));
  sinks
    .command('disable <name>')
    .description('disable a sink; its events wait until it is enabled')
    .option('--reason <text>', 'why, for `sinks list`', 'disabled by an operator')
    .action((name: string, options: { reason: string }) =>
      withControl(async (control) => void (await control.disable(name, 'operator', options.reason))),
    );
  sinks
    .command('replay <name>')
    .description(
      'send again what the sink finished (delivered or given up) in the last --since; same webhook-id',
    )
    .requiredOption('--since <duration>', 'e.g. 90m, 2h, 3d')
    .action((name: string, options: { since: string }) =>
      withControl(async (control) => {
        const since = Date.now() - parseDuration(options.since, '--since');
        const { replayed } = await control.replay(name, since);
        process.stdout.write(`${JSON.stringify({ sink: name, replayed })}\n`);
      }),
    );
}
