import { Router } from 'express';

/** `/healthz`: the process is alive and serving HTTP. Readiness (Redis, worker, breaker) is `/readyz`. */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  return router;
}
