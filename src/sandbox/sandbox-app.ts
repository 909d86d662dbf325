import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRoutes } from './admin-routes';
import { createProfileRoute } from './createprofile-route';
import { BodyError, ropoError } from './sandbox-http';
import type { SandboxState } from './sandbox-state';
import { tokenRoute } from './token-route';

const MAX_BODY_BYTES = 1024 * 1024;

const postOnly =
  (handler: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response): Promise<void> | void =>
    req.method === 'POST' ? handler(req, res) : ropoError(res, 405, 405, 'Method not allowed');

/** The sandbox's express app: Ropo's documented endpoints under /rest, the admin API under /__sandbox. */
export function createSandboxApp(state: SandboxState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Raw text whatever the content type: each route parses it where Ropo would (after auth and faults).
  app.use(express.text({ type: () => true, limit: MAX_BODY_BYTES }));
  app.use('/__sandbox', adminRoutes(state));
  app.all('/rest/token', postOnly(tokenRoute(state)));
  app.all('/rest/profile/createprofile', postOnly(createProfileRoute(state)));
  app.get('/wizard/:uuid', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('Ropo One onboarding wizard (sandbox): the customer would continue here.\n');
  });
  app.use((_req: Request, res: Response) => ropoError(res, 404, 404, 'Not found'));
  // Express needs all four parameters to see an error handler (the unused ones start with _).
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent || res.destroyed) return;
    const bodyType = (error as { type?: unknown } | null)?.type;
    if (error instanceof BodyError) ropoError(res, 400, 1000, `Bad request: ${error.message}`);
    else if (bodyType === 'entity.too.large') ropoError(res, 400, 1000, 'Bad request: body too large');
    else if (typeof bodyType === 'string') ropoError(res, 400, 1000, `Bad request: ${bodyType}`);
    else ropoError(res, 500, 500, 'Sandbox internal error');
  });
  return app;
}
