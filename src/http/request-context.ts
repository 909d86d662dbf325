import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../logger';

/** What every request carries: its id and a logger whose lines all hold that id. */
export interface RequestContext {
  requestId: string;
  logger: Logger;
}

const CONTEXT = Symbol('requestContext');

// An incoming id is echoed into headers and logs, so only a short, plain token is trusted.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's context; before the middleware ran (it runs first), a context without id. */
export function requestContext(res: Response): RequestContext {
  const context = (res.locals as { [CONTEXT]?: RequestContext })[CONTEXT];
  if (!context) throw new Error('requestContextMiddleware must run before any handler');
  return context;
}

/**
 * Gives each request an `X-Request-Id` (a sane incoming one, else a new UUID), a child logger
 * carrying it, and one access-log line at `http` level when the answer is sent. Paths are logged
 * without the query string: filters may hold a business id, and nothing else there is needed.
 */
export function requestContextMiddleware(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // The child logger is made on first use: most requests log nothing at the default level.
    let child: Logger | undefined;
    const context: RequestContext = {
      requestId,
      get logger() {
        return (child ??= logger.child({ requestId }));
      },
    };
    (res.locals as { [CONTEXT]?: RequestContext })[CONTEXT] = context;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'warn' : 'http';
      if (!logger.isLevelEnabled(level)) return;
      context.logger.log(level, 'http request', {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}
