import { InvalidArgumentError, type Command } from 'commander';
import { portInUse } from '../../errors/port-in-use-error';
import { createLogger } from '../../logger';
import { sandboxFaultsSchema, type LatencySpec, type SandboxFaults } from '../../sandbox/sandbox-faults';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox } from '../../sandbox/sandbox-server';
import { createLifecycle } from '../lifecycle';

const DEFAULT_PORT = 4010;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number between 0 and 65535');
  }
  return port;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new InvalidArgumentError('expected whole seconds, at least 1');
  return seconds;
}

/** `50` is a fixed latency, `10-200` a uniform distribution between the two (ms). */
export function parseLatency(value: string): LatencySpec {
  const range = /^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (max < min) throw new InvalidArgumentError('expected min-max with max at least min');
    return { min, max };
  }
  const fixed = Number(value);
  if (!Number.isFinite(fixed) || fixed < 0) throw new InvalidArgumentError('expected <ms> or <min>-<max>');
  return fixed;
}

/** `503=0.3,429=0.1`: the probability of answering each status instead of processing. */
export function parseErrorRates(value: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([1-5]\d\d)\s*=\s*(\d*\.?\d+)$/.exec(part);
    const rate = Number(match?.[2]);
    if (!match?.[1] || !(rate >= 0 && rate <= 1)) {
      throw new InvalidArgumentError(`expected status=rate with rate in [0, 1], got "${part}"`);
    }
    rates[match[1]] = rate;
  }
  return rates;
}

interface SandboxCommandOptions {
  port?: number;
  host: string;
  cid: string;
  apicode: string;
  tokenTtl?: number;
  latency?: LatencySpec;
  errorRate?: Record<string, number>;
  retryAfter?: string;
  activationUrl?: string;
  activationKey?: string;
  activationCarrier?: 'bearer' | 'x-api-key' | 'basic';
}

function parseUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value;
}

function parseCarrier(value: string): 'bearer' | 'x-api-key' | 'basic' {
  if (value === 'bearer' || value === 'x-api-key' || value === 'basic') return value;
  throw new InvalidArgumentError('expected bearer, x-api-key or basic');
}

/** `sandbox`: runs the Ropo One simulator until SIGINT/SIGTERM; faults can be changed at /__sandbox/faults. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the Ropo One simulator (token, createprofile, fault injection under /__sandbox/)')
    .option(
      '--port <n>',
      `port to listen on (default: SANDBOX_PORT or ${DEFAULT_PORT}; 0 = any free port)`,
      parsePort,
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--cid <cid>', 'customer number the token endpoint accepts', SANDBOX_CID)
    .option('--apicode <apicode>', 'apicode the token endpoint accepts', SANDBOX_APICODE)
    .option('--token-ttl <s>', 'token lifetime in seconds (default: 7200, as documented)', parseSeconds)
    .option('--latency <ms|min-max>', 'latency added to createprofile', parseLatency)
    .option(
      '--error-rate <status=rate,...>',
      'createprofile answers injected instead of processing',
      parseErrorRates,
    )
    .option('--retry-after <value>', 'Retry-After sent with injected 429/503 (seconds or an HTTP date)')
    .option(
      '--activation-url <url>',
      "the partner's APIkey endpoint accept-terms delivers to, e.g. http://127.0.0.1:3000/v1/ropo/activations",
      parseUrl,
    )
    .option(
      '--activation-key <key>',
      "the API key sent with each delivery (one of the service's ACTIVATION_API_KEYS)",
    )
    .option(
      '--activation-carrier <how>',
      'how the key is sent: bearer (default), x-api-key or basic',
      parseCarrier,
    )
    .action(async (options: SandboxCommandOptions) => {
      if (process.env.NODE_ENV === 'production') {
        throw new Error('refusing to run the Ropo One sandbox under NODE_ENV=production');
      }
      if ((options.activationUrl === undefined) !== (options.activationKey === undefined)) {
        throw new InvalidArgumentError('--activation-url and --activation-key go together');
      }
      const logger = createLogger({ defaultMeta: { role: 'sandbox' } });
      const port = options.port ?? parsePort(process.env.SANDBOX_PORT || String(DEFAULT_PORT));
      const faults: SandboxFaults = sandboxFaultsSchema.parse({
        ...(options.latency !== undefined ? { latency: options.latency } : {}),
        ...(options.errorRate ? { errorRates: options.errorRate } : {}),
        ...(options.retryAfter !== undefined
          ? { retryAfter: /^\d+$/.test(options.retryAfter) ? Number(options.retryAfter) : options.retryAfter }
          : {}),
      });
      const lifecycle = createLifecycle(logger);
      const sandbox = await startSandbox({
        port,
        host: options.host,
        cid: options.cid,
        apicode: options.apicode,
        tokenTtlSeconds: options.tokenTtl,
        faults,
        ...(options.activationUrl && options.activationKey
          ? {
              activation: {
                url: options.activationUrl,
                key: options.activationKey,
                carrier: options.activationCarrier,
              },
            }
          : {}),
      }).catch((error: unknown) => {
        throw portInUse(error, options.port === undefined ? 'SANDBOX_PORT' : '--port', port, options.host);
      });
      lifecycle.add(() => sandbox.close());
      // One JSON line like every other role's: scripts read `url` and `baseUrl` from it.
      logger.info(`Ropo One sandbox listening on ${sandbox.url}`, {
        url: sandbox.url,
        baseUrl: sandbox.baseUrl,
        cid: options.cid,
        admin: ['faults', 'creations', 'stats', 'expire-tokens', 'reset', 'activations'].map(
          (path) => `${sandbox.url}/__sandbox/${path}`,
        ),
        acceptTerms: `POST ${sandbox.url}/__sandbox/profiles/<business-id>/accept-terms`,
        activationUrl: options.activationUrl ?? null,
      });
    });
}
