import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  pickFault,
  pickLatency,
  sandboxFaultsSchema,
  seededRandom,
  type FaultDecision,
  type FaultSet,
  type SandboxFaults,
} from './sandbox-faults';
import { issueSandboxToken, verifySandboxToken } from './sandbox-jwt';

export type { FaultSet, FaultStep, LatencySpec, SandboxFaults } from './sandbox-faults';

/** The customer number the sandbox accepts by default. */
export const SANDBOX_CID = 'sandbox';
/** The apicode the sandbox accepts by default (not a secret: it only opens the simulator). */
export const SANDBOX_APICODE = 'sandbox-apicode';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** 0 = a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  cid?: string;
  apicode?: string;
  /** Token lifetime; default 7200 (Ropo's documented 2 hours). */
  tokenTtlSeconds?: number;
  /** Contracts of the simulated partner; default ['create_customer_api']. */
  contracts?: string[];
  faults?: SandboxFaults;
}

/** One business id the sandbox created a profile for. */
export interface CreationRecord {
  businessId: string;
  /** How many times a profile was committed for this id: more than 1 only with `duplicates: 'accept'`. */
  count: number;
  customerId: string | null;
  uuid: string | null;
  outcome: 'created' | 'pending';
  /** Requests refused with 409 because the id already existed. */
  duplicates: number;
  firstAt: string;
}

/** Counters for assertions: token calls and createprofile calls by answer. */
export interface SandboxStats {
  tokenCalls: number;
  tokenByStatus: Record<string, number>;
  createProfileCalls: number;
  /** Keyed by HTTP status, or 'hang', 'reset', 'drop' for answers that never came. */
  createProfileByStatus: Record<string, number>;
  tokensIssued: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** http://host:port */
  url: string;
  /** url + '/rest', what a Ropo client takes as its base URL. */
  baseUrl: string;
  creations(): CreationRecord[];
  stats(): SandboxStats;
  /** Replaces the current faults (an outage window starts now). */
  setFaults(faults: SandboxFaults): void;
  /** Forgets creations, counters and faults; restores the initial contracts. Issued tokens stay valid. */
  reset(): void;
  /** Refuses every token issued so far (they answer 401). */
  expireTokens(): void;
  /** Changes the simulated partner's contracts at run time. */
  setContracts(contracts: string[]): void;
  /** Stops listening and destroys open and hung sockets so the process can exit. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CREATE_CUSTOMER_CONTRACT = 'create_customer_api';
const GARBAGE_BODY = '<html><body><h1>200 OK</h1><p>upstream said something</p></body></html>';

class BodyError extends Error {}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function ropoError(
  res: http.ServerResponse,
  status: number,
  code: number,
  message: string,
  headers = {},
): void {
  send(res, status, { Code: code, Message: message }, headers);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new BodyError('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError('invalid JSON');
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * The sandbox's rule for "complete" (Ropo does not document which fields skip the wizard): not
 * `allowIncompleteData: true`, customer_info has name, street_address, postal_code and town_or_city, and
 * `users` is a non-empty array. Anything else goes to the wizard (pending).
 */
export function isCompleteProfile(body: Record<string, unknown>): boolean {
  if (body.allowIncompleteData === true) return false;
  const info = asRecord(body.customer_info);
  if (!info) return false;
  const fields = ['name', 'street_address', 'postal_code', 'town_or_city'];
  return (
    fields.every((field) => nonEmptyString(info[field])) && Array.isArray(body.users) && body.users.length > 0
  );
}

function retryAfterHeader(value: number | string | undefined): Record<string, string> {
  return value === undefined ? {} : { 'Retry-After': String(value) };
}

function bump(counter: Record<string, number>, key: string | number): void {
  counter[String(key)] = (counter[String(key)] ?? 0) + 1;
}

function cloneFaults(faults: SandboxFaults | undefined): SandboxFaults {
  return faults ? (structuredClone(faults) as SandboxFaults) : {};
}

/** Starts the Ropo One simulator: the documented endpoints under /rest, admin and fault injection under /__sandbox. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const cid = options.cid ?? SANDBOX_CID;
  const apicode = options.apicode ?? SANDBOX_APICODE;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
  const initialContracts = [...(options.contracts ?? [CREATE_CUSTOMER_CONTRACT])];
  const secret = randomBytes(32);

  let contracts = [...initialContracts];
  let generation = 0;
  let faults: SandboxFaults = {};
  let outageUntil = 0;
  let random: () => number = Math.random;
  let nextCustomerId = 100_001;
  let creations = new Map<string, CreationRecord>();
  let stats: SandboxStats;
  const sockets = new Set<Socket>();
  let url = '';

  const freshStats = (): SandboxStats => ({
    tokenCalls: 0,
    tokenByStatus: {},
    createProfileCalls: 0,
    createProfileByStatus: {},
    tokensIssued: 0,
  });
  stats = freshStats();

  const setFaults = (next: SandboxFaults): void => {
    faults = cloneFaults(next);
    outageUntil = faults.outage ? Date.now() + faults.outage.forMs : 0;
    random = faults.seed === undefined ? Math.random : seededRandom(faults.seed);
  };
  setFaults(options.faults ?? {});

  const describeFaults = (): Record<string, unknown> => ({
    ...faults,
    ...(faults.outage
      ? { outage: { ...faults.outage, remainingMs: Math.max(0, outageUntil - Date.now()) } }
      : {}),
  });

  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** Applies outage, latency and pre-processing faults; returns the decision still to honour after processing. */
  const preFaults = async (
    set: FaultSet | undefined,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    count: (key: string | number) => void,
  ): Promise<FaultDecision | 'answered'> => {
    const remaining = outageUntil - Date.now();
    if (remaining > 0) {
      if (faults.outage?.mode === 'reset') {
        count('reset');
        req.socket.destroy();
      } else {
        count(503);
        ropoError(res, 503, 503, 'Service unavailable (sandbox outage)', {
          'Retry-After': String(Math.max(1, Math.ceil(remaining / 1000))),
        });
      }
      return 'answered';
    }
    const latency = pickLatency(set?.latency, random);
    if (latency > 0) await wait(latency);
    const decision = pickFault(set, random);
    switch (decision.kind) {
      case 'hang':
        count('hang');
        return 'answered';
      case 'reset':
        count('reset');
        req.socket.destroy();
        return 'answered';
      case 'status':
        count(decision.status);
        ropoError(
          res,
          decision.status,
          decision.status,
          `Injected ${decision.status}`,
          retryAfterHeader(decision.retryAfter),
        );
        return 'answered';
      default:
        return decision;
    }
  };

  const handleToken = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    stats.tokenCalls += 1;
    const count = (key: string | number) => bump(stats.tokenByStatus, key);
    const text = await readBody(req);
    const decision = await preFaults(faults.token, req, res, count);
    if (decision === 'answered') return;
    let body: Record<string, unknown> | undefined;
    try {
      body = asRecord(parseJson(text));
    } catch {
      body = undefined;
    }
    if (!body || !nonEmptyString(body.cid) || !nonEmptyString(body.apicode)) {
      count(400);
      send(res, 400, { errorId: 1, errorText: 'cid and apicode are required' });
      return;
    }
    if (body.cid !== cid || body.apicode !== apicode) {
      count(400);
      send(res, 400, { errorId: 2, errorText: 'Invalid credentials' });
      return;
    }
    const token = issueSandboxToken(secret, cid, generation, tokenTtlSeconds, Date.now());
    stats.tokensIssued += 1;
    if (decision.kind === 'commit-then-drop') {
      count('drop');
      req.socket.destroy();
      return;
    }
    count(201);
    if (decision.kind === 'garbage') {
      res.writeHead(201, { 'Content-Type': 'text/html' });
      res.end(GARBAGE_BODY);
      return;
    }
    send(res, 201, { token });
  };

  const handleCreateProfile = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    stats.createProfileCalls += 1;
    const count = (key: string | number) => bump(stats.createProfileByStatus, key);
    const text = await readBody(req);
    const decision = await preFaults(faults, req, res, count);
    if (decision === 'answered') return;

    const auth = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    const check = match?.[1] ? verifySandboxToken(match[1], secret, generation, Date.now()) : undefined;
    if (!check?.ok) {
      count(401);
      ropoError(res, 401, 401, check ? `Token ${check.reason}` : 'Missing bearer token');
      return;
    }
    if (!contracts.includes(CREATE_CUSTOMER_CONTRACT)) {
      count(403);
      ropoError(res, 403, 403, `Contract ${CREATE_CUSTOMER_CONTRACT} is not active`);
      return;
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = asRecord(parseJson(text));
    } catch {
      count(400);
      ropoError(res, 400, 1000, 'Request body is not valid JSON');
      return;
    }
    const businessId = asRecord(body?.customer_info)?.business_id;
    const email = asRecord(body?.contact_person)?.email;
    if (!body || !nonEmptyString(businessId)) {
      count(400);
      ropoError(res, 400, 1001, 'customer_info.business_id is required');
      return;
    }
    if (!nonEmptyString(email)) {
      count(400);
      ropoError(res, 400, 1002, 'contact_person.email is required');
      return;
    }

    const existing = creations.get(businessId);
    if (existing && faults.duplicates !== 'accept') {
      existing.duplicates += 1;
      count(409);
      ropoError(res, 409, 1009, 'Customer with this business id already exists');
      return;
    }
    const complete = isCompleteProfile(body);
    const customerId = complete ? String(nextCustomerId++) : null;
    const uuid = complete ? null : randomUUID();
    if (existing) {
      existing.count += 1;
    } else {
      creations.set(businessId, {
        businessId,
        count: 1,
        customerId,
        uuid,
        outcome: complete ? 'created' : 'pending',
        duplicates: 0,
        firstAt: new Date().toISOString(),
      });
    }

    if (decision.kind === 'commit-then-drop') {
      count('drop');
      req.socket.destroy();
      return;
    }
    count(200);
    if (decision.kind === 'garbage') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(GARBAGE_BODY);
      return;
    }
    if (complete) {
      send(res, 200, { customerId, message: 'Customer created successfully.', status: 'success' });
    } else {
      send(res, 200, {
        uuid,
        status: 'pending',
        message: 'Onboarding link sent to the contact person',
        wizard_url: `${url}/wizard/${uuid}`,
      });
    }
  };

  const handleAdmin = async (
    path: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> => {
    const method = req.method ?? 'GET';
    if (path === '/__sandbox/faults') {
      if (method === 'GET') return send(res, 200, describeFaults());
      if (method === 'DELETE') {
        setFaults({});
        return send(res, 200, describeFaults());
      }
      if (method === 'POST' || method === 'PUT') {
        const parsed = sandboxFaultsSchema.safeParse(parseJson(await readBody(req)) ?? {});
        if (!parsed.success) {
          return send(res, 400, {
            error: 'invalid faults',
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          });
        }
        setFaults(parsed.data);
        return send(res, 200, describeFaults());
      }
    }
    if (path === '/__sandbox/expire-tokens' && method === 'POST') {
      generation += 1;
      return send(res, 200, { generation });
    }
    if (path === '/__sandbox/contracts') {
      if (method === 'GET') return send(res, 200, { contracts });
      if (method === 'POST') {
        const body = asRecord(parseJson(await readBody(req)));
        const list = body?.contracts;
        if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
          return send(res, 400, { error: 'expected {"contracts": ["create_customer_api", …]}' });
        }
        contracts = [...list];
        return send(res, 200, { contracts });
      }
    }
    if (path === '/__sandbox/creations' && method === 'GET') {
      const list = [...creations.values()];
      return send(res, 200, { creations: list, total: list.length });
    }
    if (path === '/__sandbox/stats' && method === 'GET') return send(res, 200, stats);
    if (path === '/__sandbox/reset' && method === 'POST') {
      reset();
      return send(res, 200, { reset: true });
    }
    return send(res, 404, { error: `no admin route ${method} ${path}` });
  };

  const reset = (): void => {
    creations = new Map();
    stats = freshStats();
    contracts = [...initialContracts];
    setFaults({});
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = async (): Promise<void> => {
      if (path.startsWith('/__sandbox/')) return handleAdmin(path, req, res);
      if (path === '/rest/token') {
        if (req.method !== 'POST') return ropoError(res, 405, 405, 'Method not allowed');
        return handleToken(req, res);
      }
      if (path === '/rest/profile/createprofile') {
        if (req.method !== 'POST') return ropoError(res, 405, 405, 'Method not allowed');
        return handleCreateProfile(req, res);
      }
      if (path.startsWith('/wizard/')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('Ropo One onboarding wizard (sandbox): the customer would continue here.\n');
        return;
      }
      return ropoError(res, 404, 404, 'Not found');
    };
    route().catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof BodyError) ropoError(res, 400, 1000, `Bad request: ${error.message}`);
      else ropoError(res, 500, 500, 'Sandbox internal error');
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${shownHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/rest`,
    creations: () => [...creations.values()].map((record) => ({ ...record })),
    stats: () => structuredClone(stats),
    setFaults,
    reset,
    expireTokens: () => {
      generation += 1;
    },
    setContracts: (next) => {
      contracts = [...next];
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}
