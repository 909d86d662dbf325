import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createHttpApp } from '../../http/create-http-app';
import { listen } from '../../http/http-server';
import { createLogger } from '../../logger';
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
      const http = await listen(createHttpApp({ logger }), config.http.port, config.http.host);
      lifecycle.add(http.close);
      logger.info('http ready', { url: http.url });
    });
}
