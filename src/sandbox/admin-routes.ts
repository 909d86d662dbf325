import { Router, type NextFunction, type Request, type Response } from 'express';
import { activationRoutes } from './sandbox-activations';
import { sandboxFaultsSchema } from './sandbox-faults';
import { asRecord, parseJson, send } from './sandbox-http';
import type { SandboxState } from './sandbox-state';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses (a dual-stack listener reports those). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

// The admin API rewrites faults, contracts and tokens, and lists every business id: even when the
// sandbox listens on every interface (a container), only a client on this machine may use it.
function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLoopbackAddress(req.socket.remoteAddress)) return next();
  send(res, 403, { error: 'the sandbox admin API answers only to loopback clients' });
}

/** `/__sandbox/*`: faults, token expiry, contracts, creations, counters and reset, loopback only. */
export function adminRoutes(state: SandboxState): Router {
  const router = Router();
  router.use(loopbackOnly);

  router.get('/faults', (_req, res) => send(res, 200, state.describeFaults()));
  router.delete('/faults', (_req, res) => {
    state.setFaults({});
    send(res, 200, state.describeFaults());
  });
  const putFaults = (req: Request, res: Response): void => {
    const parsed = sandboxFaultsSchema.safeParse(parseJson(req.body) ?? {});
    if (!parsed.success) {
      send(res, 400, {
        error: 'invalid faults',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
      return;
    }
    state.setFaults(parsed.data);
    send(res, 200, state.describeFaults());
  };
  router.post('/faults', putFaults);
  router.put('/faults', putFaults);

  router.post('/expire-tokens', (_req, res) => {
    state.generation += 1;
    send(res, 200, { generation: state.generation });
  });
  router.get('/contracts', (_req, res) => send(res, 200, { contracts: state.contracts }));
  router.post('/contracts', (req, res) => {
    const list = asRecord(parseJson(req.body))?.contracts;
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
      send(res, 400, { error: 'expected {"contracts": ["create_customer_api", …]}' });
      return;
    }
    state.contracts = [...list];
    send(res, 200, { contracts: state.contracts });
  });
  router.get('/creations', (_req, res) => {
    const list = [...state.creations.values()];
    send(res, 200, { creations: list, total: list.length });
  });
  router.get('/stats', (_req, res) => send(res, 200, state.stats));
  router.post('/reset', (_req, res) => {
    state.reset();
    send(res, 200, { reset: true });
  });
  router.use(activationRoutes(state.activations));
  router.use((req, res) =>
    send(res, 404, { error: `no admin route ${req.method} ${req.baseUrl}${req.path}` }),
  );
  return router;
}
