import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { portInUse } from '../errors/port-in-use-error';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { createRopoClient, type RopoClient, type RopoClientOptions } from '../ropo/ropo-client';
import type * as SandboxServer from '../sandbox/sandbox-server';
import type { Sandbox } from '../sandbox/sandbox-server';

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
      'NODE_ENV=production: refusing to onboard customers into the built-in sandbox. ' +
        'Set ROPO_BASE_URL (or ROPO_ENV=test|production), ROPO_CID and ROPO_APICODE.',
    );
    this.name = 'SandboxInProductionError';
  }
}

/** Thrown when a role that must not guess its Ropo One is started without one. */
export class RopoTargetRequiredError extends Error {
  readonly code = 'ROPO_TARGET_REQUIRED';
  constructor(role: string) {
    super(
      `\`${role}\` needs an explicit Ropo One target: set ROPO_BASE_URL (a URL including /rest), ` +
        "or ROPO_ENV=test|production (Ropo's documented hosts), with ROPO_CID and ROPO_APICODE; " +
        'or ROPO_SANDBOX=true for the built-in simulator. Only `start` picks the sandbox by itself.',
    );
    this.name = 'RopoTargetRequiredError';
  }
}

/** Which command is choosing: only `start` may fall back to the sandbox. */
export type TargetRole = 'start' | 'worker' | 'serve';

/** The decision: Ropo One at config's base URL, or the sandbox (implicit = nothing was set, `start` only). */
export type TargetChoice = { kind: 'ropo' } | { kind: 'sandbox'; implicit: boolean };

/** Decides the Ropo One target from the settings and the role; throws when it must not guess. */
export function chooseRopoTarget(
  settings: { baseUrl?: string; sandbox: boolean; env: Config['env'] },
  role: TargetRole,
): TargetChoice {
  if (settings.baseUrl) return { kind: 'ropo' };
  if (settings.env === 'production' && (settings.sandbox || role === 'start'))
    throw new SandboxInProductionError();
  if (settings.sandbox) return { kind: 'sandbox', implicit: false };
  if (role === 'start') return { kind: 'sandbox', implicit: true };
  throw new RopoTargetRequiredError(role);
}

/** Builds the Ropo client from config; in sandbox mode starts the sandbox and says so loudly. */
export async function openRopoTarget(
  config: Config,
  redis: RedisClient,
  logger: Logger,
  /** Told of every createprofile call (status and duration), for metrics. */
  onCall?: RopoClientOptions['onCall'],
  role: TargetRole = 'worker',
): Promise<RopoTarget> {
  const choice = chooseRopoTarget({ ...config.ropo, env: config.env }, role);
  const common = {
    timeoutMs: config.ropo.timeoutMs,
    // Cluster and single-node clients share the commands the token cache uses.
    redis: redis as Redis,
    keyPrefix: config.redis.prefix,
    logger,
    onCall,
  };
  if (choice.kind === 'ropo' && config.ropo.baseUrl) {
    const client = createRopoClient({
      ...common,
      baseUrl: config.ropo.baseUrl,
      cid: config.ropo.cid as string,
      apicode: config.ropo.apicode as string,
    });
    return { client, close: () => client.close() };
  }
  // Required only when chosen: a worker against a real Ropo One never loads the sandbox or express.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load
  const sandboxServer = require('../sandbox/sandbox-server') as typeof SandboxServer;
  const { startSandbox, SANDBOX_CID, SANDBOX_APICODE } = sandboxServer;
  const sandbox = await startSandbox({ port: config.sandbox.port, host: '127.0.0.1' }).catch(
    (error: unknown) => {
      throw portInUse(error, 'SANDBOX_PORT', config.sandbox.port, '127.0.0.1');
    },
  );
  // Loud, but one JSON line like every other: log shippers and `jq` read this output too.
  logger.warn('SANDBOX MODE: no real Ropo One is called', {
    code: 'SANDBOX_MODE',
    sandboxUrl: sandbox.baseUrl,
    creations: `${sandbox.url}/__sandbox/creations`,
    hint: 'Set ROPO_BASE_URL (or ROPO_ENV=test|production), ROPO_CID and ROPO_APICODE for real.',
  });
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
