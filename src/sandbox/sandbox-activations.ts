import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { send } from './sandbox-http';

/** Where the sandbox delivers activations, as Ropo One would to a partner's APIkey endpoint. */
export interface ActivationTarget {
  url: string;
  key: string;
  /** How the key travels; Ropo does not document it. Default `bearer`. */
  carrier?: 'bearer' | 'x-api-key' | 'basic';
}

/** Retry schedule of deliveries: 5xx and connection errors are retried, 4xx is final. */
export interface DeliveryRetry {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** One delivery of an activation (the apicode is the sandbox's own invention: fake, shown on purpose). */
export interface ActivationDelivery {
  businessId: string;
  cid: string;
  apicode: string;
  externalId: string | null;
  attempts: number;
  /** HTTP status of the last attempt, `error` for no answer, null before the first. */
  lastStatus: number | 'error' | null;
  state: 'delivering' | 'delivered' | 'gave-up' | 'no-target';
  acceptedAt: string;
  deliveredAt?: string;
}

/** The sandbox's side of activation: remembers what was created, plays "terms accepted", delivers. */
export interface SandboxActivations {
  /** Called for each created or pending profile, with the body as sent (for its profile_uuid). */
  noteCreation(businessId: string, body: Record<string, unknown>): void;
  /** Assigns a cid and apicode and starts delivering; undefined when no profile has that business id. */
  acceptTerms(businessId: string): ActivationDelivery | undefined;
  list(): ActivationDelivery[];
  setTarget(target: ActivationTarget | undefined): void;
  /** Where deliveries go (the URL only: the key is not shown). */
  target(): { url: string } | null;
  /** Changes the retry schedule of deliveries started from now on (tests shorten it). */
  setRetry(retry: Partial<DeliveryRetry>): void;
  /** Resolves once every delivery in flight has delivered or given up. */
  settled(): Promise<void>;
  reset(): void;
  close(): void;
}

const DEFAULT_RETRY: DeliveryRetry = { baseMs: 200, maxMs: 30_000, maxAttempts: 12 };

function authHeaders(target: ActivationTarget): Record<string, string> {
  switch (target.carrier ?? 'bearer') {
    case 'x-api-key':
      return { 'X-API-Key': target.key };
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`ropo:${target.key}`).toString('base64')}` };
    default:
      return { Authorization: `Bearer ${target.key}` };
  }
}

/** Creates the activation side of the sandbox. */
export function createSandboxActivations(
  options: { target?: ActivationTarget; retry?: Partial<DeliveryRetry>; random?: () => number } = {},
): SandboxActivations {
  let retry = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  let target = options.target;
  let profiles = new Map<string, string | null>();
  let deliveries = new Map<string, ActivationDelivery>();
  let nextCid = 500_001;
  const inFlight = new Set<Promise<void>>();
  // Each backoff wait, with how to end it early: close() must not leave a delivery hanging.
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  async function deliver(delivery: ActivationDelivery, to: ActivationTarget): Promise<void> {
    const body = JSON.stringify({
      bid: delivery.businessId,
      'external-id': delivery.externalId,
      cid: delivery.cid,
      apicode: delivery.apicode,
    });
    while (!closed) {
      delivery.attempts += 1;
      try {
        const response = await fetch(to.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...authHeaders(to) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        delivery.lastStatus = response.status;
        if (response.status < 300) {
          delivery.state = 'delivered';
          delivery.deliveredAt = new Date().toISOString();
          return;
        }
        if (response.status < 500) {
          delivery.state = 'gave-up';
          return;
        }
      } catch {
        delivery.lastStatus = 'error';
      }
      if (delivery.attempts >= retry.maxAttempts) {
        delivery.state = 'gave-up';
        return;
      }
      // Full jitter, like a careful real sender.
      const cap = Math.min(retry.maxMs, retry.baseMs * 2 ** (delivery.attempts - 1));
      await sleep(Math.round(random() * cap));
    }
  }

  const activations: SandboxActivations = {
    noteCreation(businessId, body) {
      const info = body.additional_information as { profile_uuid?: unknown } | undefined;
      const uuid = typeof info?.profile_uuid === 'string' ? info.profile_uuid : null;
      if (!profiles.has(businessId)) profiles.set(businessId, uuid);
    },
    acceptTerms(businessId) {
      if (!profiles.has(businessId)) return undefined;
      const existing = deliveries.get(businessId);
      if (existing) return existing;
      const delivery: ActivationDelivery = {
        businessId,
        cid: String(nextCid++),
        apicode: randomBytes(24).toString('base64url'),
        externalId: profiles.get(businessId) ?? null,
        attempts: 0,
        lastStatus: null,
        state: target ? 'delivering' : 'no-target',
        acceptedAt: new Date().toISOString(),
      };
      deliveries.set(businessId, delivery);
      if (target) {
        const run = deliver(delivery, target).finally(() => inFlight.delete(run));
        inFlight.add(run);
      }
      return delivery;
    },
    list: () => [...deliveries.values()].map((d) => ({ ...d })),
    setTarget(next) {
      target = next;
    },
    target: () => (target ? { url: target.url } : null),
    setRetry(next) {
      retry = { ...retry, ...next };
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    reset() {
      profiles = new Map();
      deliveries = new Map();
    },
    close() {
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
    },
  };
  return activations;
}

/** Admin routes (mounted under /__sandbox): `POST /profiles/:businessId/accept-terms`, `GET /activations`. */
export function activationRoutes(activations: SandboxActivations): Router {
  const router = Router();
  router.post('/profiles/:businessId/accept-terms', (req, res) => {
    const businessId = String(req.params.businessId);
    const delivery = activations.acceptTerms(businessId);
    if (!delivery) send(res, 404, { error: `no profile was created for business id ${businessId}` });
    else send(res, 202, { ...delivery });
  });
  router.get('/activations', (_req, res) => {
    const list = activations.list();
    send(res, 200, { activations: list, total: list.length, target: activations.target() });
  });
  return router;
}
