import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createHttpApp } from '../../http/create-http-app';
import { listen } from '../../http/http-server';
import { createMetricsRegistry } from '../../http/metrics';
import { createLogger } from '../../logger';
import { createRedisConnection } from '../../queues/connection';
import { createLifecycle } from '../lifecycle';

/** `serve`: the HTTP server alone (intake, dead-letter API, board, health, metrics). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server on HTTP_HOST:HTTP_PORT')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.log.level, defaultMeta: { role: 'http' } });
      const lifecycle = createLifecycle(logger);
      try {
        // 'producer': commands fail fast while Redis is away, so requests get a 503 instead of hanging.
        const connection = createRedisConnection(config.redis.url, 'http');
        lifecycle.add(async () => void (await connection.quit().catch(() => connection.disconnect())));
        const http = createHttpApp({ config, logger, connection, registry: createMetricsRegistry() });
        lifecycle.add(http.close);
        const server = await listen(http.app, config.http.port, config.http.host);
        lifecycle.add(server.close);
        logger.info('http ready', { url: server.url, queuePrefix: config.redis.prefix });
      } catch (error) {
        await lifecycle.stopAll();
        throw error;
      }
    });
}
