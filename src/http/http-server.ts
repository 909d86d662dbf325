import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { HttpServerLimits } from '../config';
import { portInUse } from '../errors/port-in-use-error';

/** A listening HTTP server and how to stop it. */
export interface RunningHttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The setting that chose the port, named when it is taken. Default `HTTP_PORT`. */
  variable?: string;
  /** Bounds on slow and numerous clients; Node's defaults (minutes, unlimited) when omitted. */
  limits?: HttpServerLimits;
}

// Refusals after which the client gets no second try on the same connection: a wrong token
// (credential guessing on one socket) and a body too large (whose rest is not worth reading).
const CLOSE_AFTER = new Set([401, 413]);

function closeAfterRefusal(res: ServerResponse): void {
  const writeHead = res.writeHead;
  // Node calls writeHead for implicit headers too (res.end without one), so this sees every answer.
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (CLOSE_AFTER.has(args[0]) && !this.headersSent) this.setHeader('Connection', 'close');
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}

function createServer(app: Express, limits: HttpServerLimits | undefined): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    closeAfterRefusal(res);
    app(req, res);
  };
  if (!limits) return http.createServer(handler);
  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default): often enough to honour them.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    handler,
  );
  // Beyond this, new connections are closed at once: a flood cannot exhaust file descriptors.
  server.maxConnections = limits.maxConnections;
  return server;
}

/**
 * Listens on host:port (0 = any free port); resolves once listening. With `limits`, a client that
 * sends its headers or its request too slowly is cut off, idle keep-alive sockets close, and the
 * number of connections is capped; a 401 or 413 answer always closes its connection. Rejects on a
 * listen error: a taken port as {@link PortInUseError} naming the variable to change.
 */
export function listen(
  app: Express,
  port: number,
  host: string,
  options: ListenOptions = {},
): Promise<RunningHttpServer> {
  const variable = options.variable ?? 'HTTP_PORT';
  return new Promise((resolve, reject) => {
    const server = createServer(app, options.limits);
    server.once('error', (error) => reject(portInUse(error, variable, port, host)));
    server.listen(port, host);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
