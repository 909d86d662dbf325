import type { Config } from '../config';
import { createHttpApp, type HttpAppDeps } from '../http/create-http-app';
import { listen, type RunningHttpServer } from '../http/http-server';
import { createRedisConnection } from '../queues/connection';
import type { Lifecycle } from './lifecycle';

/**
 * Starts the HTTP server on `redisUrl` and registers its stops. It gets a fail-fast connection of its
 * own (commands fail while Redis is away), so a request is answered 503 instead of waiting on Redis.
 * Used by `serve` and `start`.
 */
export async function startHttpStack(
  config: Config,
  redisUrl: string,
  lifecycle: Lifecycle,
  deps: Omit<HttpAppDeps, 'connection'>,
): Promise<RunningHttpServer> {
  const connection = createRedisConnection(redisUrl, 'http');
  lifecycle.add(async () => void (await connection.quit().catch(() => connection.disconnect())));
  const http = createHttpApp({ ...deps, connection });
  lifecycle.add(http.close);
  const server = await listen(http.app, config.http.port, config.http.host, { limits: config.http.limits });
  lifecycle.add(server.close);
  return server;
}
