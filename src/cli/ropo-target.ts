import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { createRopoClient, type RopoClient, type RopoClientOptions } from '../ropo/ropo-client';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox, type Sandbox } from '../sandbox/sandbox-server';

/** The Ropo One the worker talks to: the real one, or the built-in sandbox started in-process. */
export interface RopoTarget {
  client: RopoClient;
  sandbox?: Sandbox;
  close(): Promise<void>;
}

/** Thrown when the sandbox would be used in production. */
export class SandboxInProductionError extends Error {
  readonly code = 'SANDBOX_IN_PRODUCTION';
  constructor() {
    super(
      'ROPO_BASE_URL is not set and NODE_ENV=production: refusing to onboard customers into the built-in sandbox. ' +
        'Set ROPO_BASE_URL, ROPO_CID and ROPO_APICODE.',
    );
    this.name = 'SandboxInProductionError';
  }
}

function sandboxBanner(sandbox: Sandbox): string {
  const lines = [
    'SANDBOX MODE: no real Ropo One is called.',
    'ROPO_BASE_URL is not set, so jobs go to the built-in Ropo One simulator:',
    `  ${sandbox.baseUrl}`,
    `  creations: ${sandbox.url}/__sandbox/creations`,
    'Set ROPO_BASE_URL, ROPO_CID and ROPO_APICODE to onboard into Ropo One for real.',
  ];
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const rule = '#'.repeat(width);
  return [rule, ...lines.map((line) => `# ${line.padEnd(width - 4)} #`), rule].join('\n');
}

/** Builds the Ropo client from config; with no ROPO_BASE_URL, starts the sandbox and says so loudly. */
export async function openRopoTarget(
  config: Config,
  redis: RedisClient,
  logger: Logger,
  /** Told of every createprofile call (status and duration), for metrics. */
  onCall?: RopoClientOptions['onCall'],
): Promise<RopoTarget> {
  const common = {
    timeoutMs: config.ropo.timeoutMs,
    // Cluster and single-node clients share the commands the token cache uses.
    redis: redis as Redis,
    keyPrefix: config.redis.prefix,
    logger,
    onCall,
  };
  if (config.ropo.baseUrl) {
    const client = createRopoClient({
      ...common,
      baseUrl: config.ropo.baseUrl,
      cid: config.ropo.cid as string,
      apicode: config.ropo.apicode as string,
    });
    return { client, close: () => client.close() };
  }
  if (config.env === 'production') throw new SandboxInProductionError();
  const sandbox = await startSandbox({ port: config.sandbox.port, host: '127.0.0.1' });
  process.stderr.write(`\n${sandboxBanner(sandbox)}\n\n`);
  logger.warn('sandbox mode: no real Ropo One is called', { sandboxUrl: sandbox.baseUrl });
  const client = createRopoClient({
    ...common,
    baseUrl: sandbox.baseUrl,
    cid: SANDBOX_CID,
    apicode: SANDBOX_APICODE,
  });
  return {
    client,
    sandbox,
    async close() {
      await client.close();
      await sandbox.close();
    },
  };
}
