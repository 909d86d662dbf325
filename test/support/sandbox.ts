import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../src/logger';
import { createRopoClient, type RopoClient, type RopoClientOptions } from '../../src/ropo/ropo-client';
import {
  SANDBOX_APICODE,
  SANDBOX_CID,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox';
import { testPrefix, testRedisClient } from './redis';

/** A logger whose JSON lines the test can read back. */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level, stream }), lines };
}

/** A sandbox, a Redis connection and a way to make clients against them; `close()` closes all of it. */
export interface RopoHarness {
  sandbox: Sandbox;
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  logLines: string[];
  /** A client on the harness's sandbox and Redis (clients share the token cache through Redis). */
  client(overrides?: Partial<RopoClientOptions>): RopoClient;
  close(): Promise<void>;
}

/** Starts the sandbox in-process on a free port with a Redis connection and a captured logger. */
export async function startRopoHarness(sandboxOptions: SandboxOptions = {}): Promise<RopoHarness> {
  const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
  const redis = testRedisClient();
  const keyPrefix = testPrefix('ropo');
  const { logger, lines } = captureLogger();
  const clients: RopoClient[] = [];
  return {
    sandbox,
    redis,
    keyPrefix,
    logger,
    logLines: lines,
    client(overrides = {}) {
      const client = createRopoClient({
        baseUrl: sandbox.baseUrl,
        cid: sandboxOptions.cid ?? SANDBOX_CID,
        apicode: sandboxOptions.apicode ?? SANDBOX_APICODE,
        timeoutMs: 10_000,
        redis,
        keyPrefix,
        logger,
        retry: { retries: 3, baseMs: 20, maxMs: 200 },
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await sandbox.close();
      await redis.quit();
    },
  };
}

/**
 * A payload with every field of a complete profile (src/contracts/payload-assumptions.ts), so the
 * sandbox creates it outright (not pending) by the same rule the service uses.
 */
export function completePayload(businessId: string, email = 'jane.doe@example.com'): Record<string, unknown> {
  return {
    customer_info: {
      business_id: businessId,
      name: 'Test Company Oy',
      street_address: 'Mannerheimintie 1',
      postal_code: '00100',
      town_or_city: 'Helsinki',
      country: 'FI',
      language: 'fin',
      liable_to_pay_vat: 0,
      customer_company_type: 1,
    },
    customer_service_contact: { telephone: '+358401234567', email: 'service@example.com' },
    contact_person: { name: 'Jane Doe', telephone: '+358401234568', email },
    agreement_acceptor: { email },
    money_laundering_acceptor: { email },
    services: { service_types: [1] },
    settlement_settings: {
      bank_account_type: 0,
      bank_account_number: 'FI2112345600000785',
      bank_account_owner: 'Test Company Oy',
      reference_length: 10,
    },
    ropo_service_fees: { invoicing_method: '1', invoicing_email_address: 'invoices@example.com' },
    users: [
      {
        first_name: 'Jane',
        last_name: 'Doe',
        street_address: 'Mannerheimintie 1',
        postal_code: '00100',
        town_or_city: 'Helsinki',
        country: 'FI',
        nationality: 'FIN',
        phone_number: '+358401234569',
        email,
        language: 'fin',
      },
    ],
  };
}

/** The two mandatory fields only: the sandbox answers pending with a wizard URL. */
export function minimalPayload(businessId: string, email = 'jane.doe@example.com'): Record<string, unknown> {
  return { customer_info: { business_id: businessId }, contact_person: { email } };
}
