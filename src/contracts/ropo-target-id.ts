import { createHash } from 'node:crypto';

/**
 * The namespace of the built-in sandbox's customer-keyed state. Not a hash, so it can never equal
 * a real target's, and stable across sandbox ports so `start` finds its own first-run outcomes again.
 */
export const SANDBOX_TARGET_ID = 'sandbox';

/**
 * A short hash of Ropo One's base URL and customer number (cid): the namespace of everything the
 * service keys by customer (ledger, token), so an outcome at one Ropo One never speaks for another.
 */
export function ropoTargetId(baseUrl: string, cid: string): string {
  return createHash('sha256')
    .update(`${baseUrl.replace(/\/+$/, '')}\0${cid}`)
    .digest('hex')
    .slice(0, 16);
}
