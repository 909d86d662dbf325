import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../../../src/config';
import { createHttpApp } from '../../../../src/http/create-http-app';
import { listen } from '../../../../src/http/http-server';
import { createMetricsRegistry } from '../../../../src/pipeline/prometheus-observer';
import { createLogger, type Logger } from '../../../../src/logger';
import { createRedisConnection, type RedisClient } from '../../../../src/queues/connection';
import { testPrefix, testRedisUrl } from '../../../support/redis';

/** The intake token every harness accepts (INTAKE_TOKENS). */
export const TOKEN = 'test-intake-token-0123456789';

/** The operator token every harness accepts (OPERATOR_TOKENS). */
export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

// Paths an operator token is for; everything else under /v1 gets the intake token by default.
const OPERATOR_PATHS = /^\/v1\/(dead-letters|customers)(\/|\?|$)/;

/** Board credentials of the harness (when not overridden). */
export const BOARD = { username: 'ops', password: 'board-secret-pw' };

/** An HTTP app on a free port with a captured log. */
export interface HttpHarness {
  url: string;
  /** The express app itself, for tests that inspect its routes. */
  app: Express;
  prefix: string;
  config: Config;
  connection: RedisClient;
  registry: Registry;
  logger: Logger;
  logLines: string[];
  /**
   * fetch against the app with the token the path's scope needs (operator paths get
   * {@link OPERATOR_TOKEN}, others {@link TOKEN}); `auth: false` sends no Authorization header.
   */
  request(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

/** Options of {@link startHttpHarness}. */
export interface HttpHarnessOptions {
  env?: NodeJS.ProcessEnv;
  redisUrl?: string;
  prefix?: string;
  registry?: Registry;
  /** What `start` passes in sandbox mode on loopback: the board without a login. */
  openBoard?: boolean;
}

/** Starts createHttpApp on port 0 against the test Redis (or `redisUrl`), with its own queue prefix. */
export async function startHttpHarness(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
  const prefix = options.prefix ?? testPrefix('http');
  const config = loadConfig({
    QUEUE_PREFIX: prefix,
    HTTP_PORT: '0',
    INTAKE_TOKENS: `other-token,${TOKEN}`,
    OPERATOR_TOKENS: OPERATOR_TOKEN,
    BOARD_USERNAME: BOARD.username,
    BOARD_PASSWORD: BOARD.password,
    ROPO_BASE_URL: 'https://ropo.invalid/rest',
    ROPO_CID: 'cid',
    ROPO_APICODE: 'apicode',
    JOB_ATTEMPTS: '3',
    ...options.env,
  });
  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ stream, level: 'debug' });
  const connection = createRedisConnection(options.redisUrl ?? testRedisUrl(), 'http');
  connection.on('error', () => undefined);
  const registry = options.registry ?? createMetricsRegistry();
  const http = createHttpApp({ config, logger, connection, registry, openBoard: options.openBoard });
  const server = await listen(http.app, 0, '127.0.0.1', { limits: config.http.limits });
  return {
    url: server.url,
    app: http.app,
    prefix,
    config,
    connection,
    registry,
    logger,
    logLines,
    request(path, init = {}) {
      const { auth = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      const token = OPERATOR_PATHS.test(path) ? OPERATOR_TOKEN : TOKEN;
      if (auth && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${server.url}${path}`, { ...rest, headers });
    },
    async close() {
      await server.close();
      await http.close();
      // quit() on a connection that is not up would wait for it forever.
      if (connection.status === 'ready') await connection.quit();
      else connection.disconnect();
    },
  };
}

/** POSTs a JSON body (already a string, or a value to stringify). */
export function jsonInit(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
