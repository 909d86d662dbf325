import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import winston from 'winston';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { createRopoClient, type RopoClient } from '../../../src/ropo/ropo-client';
import { testPrefix, testRedisClient } from '../../support/redis';
import { completePayload, minimalPayload } from '../../support/sandbox';

const APICODE = 'apicode-S3cret-7f2c9a';
const WRONG_APICODE = 'apicode-Wr0ng-b81e44';
const EMAIL = 'maija.meikalainen@example.fi';

// A logger WITHOUT the redaction format: the client must not hand it secrets in the first place.
function rawLogger(lines: string[]): winston.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return winston.createLogger({
    level: 'silly',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
}

describe('nothing the Ropo client logs or throws carries the token, the apicode or personal data', () => {
  it('holds across success, refresh, retries, timeouts, drops and failures', async () => {
    const sandbox: Sandbox = await startSandbox({ port: 0, apicode: APICODE });
    const redis = testRedisClient();
    const keyPrefix = testPrefix('ropo-secrets');
    const lines: string[] = [];
    const clients: RopoClient[] = [];
    const make = (apicode: string, timeoutMs = 5_000) => {
      const client = createRopoClient({
        baseUrl: sandbox.baseUrl,
        cid: 'sandbox',
        apicode,
        timeoutMs,
        redis,
        keyPrefix: apicode === APICODE ? keyPrefix : `${keyPrefix}-wrong`,
        logger: rawLogger(lines),
        retry: { retries: 2, baseMs: 10, maxMs: 50 },
      });
      clients.push(client);
      return client;
    };
    const thrown: unknown[] = [];
    const attempt = async (promise: Promise<unknown>) => {
      await promise.catch((error: unknown) => thrown.push(error));
    };
    try {
      const client = make(APICODE);
      await attempt(client.createProfile(completePayload('0000001-8', EMAIL)));
      await attempt(client.createProfile(minimalPayload('0000002-6', EMAIL)));
      await attempt(client.createProfile(completePayload('0000001-8', EMAIL)));
      await attempt(client.createProfile({ customer_info: { business_id: '0000003-4', name: EMAIL } }));
      sandbox.expireTokens();
      await attempt(client.createProfile(completePayload('0000004-2', EMAIL)));
      sandbox.setFaults({ sequence: [{ status: 503 }, { status: 429, retryAfter: 0 }, { status: 500 }] });
      await attempt(client.createProfile(completePayload('0000005-0', EMAIL)));
      sandbox.setFaults({
        sequence: [{ action: 'commit-then-drop' }, { action: 'garbage' }, { action: 'reset' }],
      });
      await attempt(client.createProfile(completePayload('0000006-9', EMAIL)));
      await attempt(client.createProfile(completePayload('0000007-7', EMAIL)));
      await attempt(client.createProfile(completePayload('0000008-5', EMAIL)));
      sandbox.setFaults({ sequence: [{ status: 401 }, { status: 401 }] });
      await attempt(client.createProfile(completePayload('0000009-3', EMAIL)));
      sandbox.setFaults({ sequence: [{ action: 'hang' }] });
      await attempt(make(APICODE, 200).createProfile(completePayload('0000010-7', EMAIL)));
      sandbox.setFaults({});
      await attempt(make(WRONG_APICODE).createProfile(completePayload('0000011-5', EMAIL)));

      const tokens = (await redis.keys(`${keyPrefix}:ropo-token:*`)).filter((key) => !key.endsWith(':lock'));
      const cached = await Promise.all(tokens.map((key) => redis.get(key)));
      const secrets = [APICODE, WRONG_APICODE, EMAIL, ...cached.map((raw) => JSON.parse(raw ?? '{}').token)];
      expect(secrets.length).toBeGreaterThanOrEqual(4);

      expect(thrown.length).toBeGreaterThanOrEqual(8);
      expect(lines.length).toBeGreaterThan(10);
      const everything = [
        ...lines,
        ...thrown.map((error) => JSON.stringify(error)),
        ...thrown.map((error) => inspect(error, { depth: 5 })),
        ...thrown.map((error) => String((error as Error).message)),
      ].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
      expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
      expect(everything).not.toContain('Mannerheimintie');
      expect(everything).not.toContain('FI2112345600000785');
      // What the logs may say: the business id, status, duration and attempt.
      expect(everything).toContain('0000001-8');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
      await redis.quit();
    }
  });
});
