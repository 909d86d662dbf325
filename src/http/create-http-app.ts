import express, { type Express } from 'express';
import type { Logger } from '../logger';
import { healthRouter } from './health';

/** Dependencies of the HTTP surface. */
export interface HttpAppDeps {
  logger: Logger;
}

/** Builds the express app: health now; intake, dead letters, board and metrics plug in here. */
export function createHttpApp(_deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter());
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
