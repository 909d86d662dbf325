import { createHash } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { activationBodySchema, matchActivation, parseActivationBody } from '../contracts/activation';
import { buildCustomerEvent, EVENT_TYPES, type ActivatedEventData } from '../contracts/events';
import { derivedProfileUuid } from '../contracts/profile-uuid';
import type { CredentialRecord, CredentialStore } from '../queues/credential-store';
import type { EventPublisher } from '../queues/event-publisher';
import type { OnboardingLedger } from '../queues/onboarding-ledger';
import type { ProfileUuidIndex } from '../queues/profile-uuids';
import { matchesAnySecret } from './auth';
import { ApiError, sendError } from './errors';
import { JSON_TYPES, requireMediaType } from './media-type';
import { error, json } from './openapi-parts';
import type { RedisGate } from './redis-availability';
import { defineRoutes, mountRoutes } from './route-table';
import { requestContext } from './request-context';

/** The path Ropo One is given as the partner's APIkey endpoint. */
export const ACTIVATION_PATH = '/v1/ropo/activations';

/** The route of {@link activationRouter}: the key check is its first handler. */
export const activationRoutes = defineRoutes({
  activation: {
    method: 'post',
    path: ACTIVATION_PATH,
    scope: 'activation-key',
    operation: {
      summary:
        "Ropo One's APIkey callback: stores the new profile's credentials (sealed) before answering 2xx",
      requestBody: { required: true, content: json(activationBodySchema) },
      responses: {
        '201': { description: 'Stored (first delivery)' },
        '200': { description: 'The same bid and cid again: nothing new stored or published' },
        '409': error('ACTIVATION_CONFLICT: another cid for an activated customer; the first is kept'),
        '422': error('PAYLOAD_INVALID: a body that can never be valid'),
        '503': error('REDIS_UNAVAILABLE or CREDENTIALS_UNAVAILABLE: nothing stored; retry'),
        '401': error('UNAUTHORIZED: no or wrong activation key'),
      },
    },
  },
});

/** Dependencies of {@link activationRouter}. */
export interface ActivationRouterDeps {
  /** ACTIVATION_API_KEYS; empty refuses every call. */
  apiKeys: readonly string[];
  /** False when CREDENTIALS_KEYS is empty: nothing may be stored, so the endpoint answers 503. */
  canSeal: boolean;
  credentials: CredentialStore;
  profileUuids: ProfileUuidIndex;
  ledger: OnboardingLedger;
  events: EventPublisher;
  redis: RedisGate;
  /** When the customer was first enqueued, for the enqueue → activation histogram. */
  enqueuedAt(businessId: string): Promise<string | undefined>;
  onActivated?: (info: { matched: boolean; sinceEnqueueMs?: number }) => void;
}

/**
 * The key as Ropo may send it (ACTIVATION_KEY_CARRIERS): `Authorization: Bearer`, `X-API-Key`, or
 * the basic-auth password. Every carrier present is returned, so any one of them may hold the key.
 */
export function presentedKeys(req: Request): string[] {
  const keys: string[] = [];
  const authorization = req.get('authorization') ?? '';
  const bearer = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
  if (bearer) keys.push(bearer[1] as string);
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) keys.push(decoded.slice(colon + 1));
  }
  const header = req.get('x-api-key');
  if (header) keys.push(header.trim());
  return keys;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * `POST /v1/ropo/activations`, Ropo One's callback once a new customer accepted its terms: stores
 * the new profile's credentials (sealed) before answering 2xx, 4xx for a body that can never be
 * valid, 5xx while storage is unavailable so that Ropo tries again.
 */
export function activationRouter(deps: ActivationRouterDeps): Router {
  const digests = deps.apiKeys.map(digest);
  const router = mountRoutes(Router(), activationRoutes, {
    activation: [
      (req, res, next) => {
        const keys = presentedKeys(req);
        // Every presented key is compared; a caller learns nothing from which carrier failed.
        const ok = keys.map((key) => matchesAnySecret(key, digests)).some(Boolean);
        if (ok) return next();
        res.setHeader('WWW-Authenticate', 'Bearer realm="ropo-activation", Basic realm="ropo-activation"');
        sendError(
          res,
          401,
          'UNAUTHORIZED',
          'a valid activation API key is required (Authorization: Bearer, X-API-Key or basic-auth password)',
        );
      },
      (_req, res, next) => {
        if (deps.canSeal) return next();
        res.setHeader('Retry-After', '60');
        sendError(
          res,
          503,
          'CREDENTIALS_UNAVAILABLE',
          'CREDENTIALS_KEYS is not configured: credentials cannot be stored safely, nothing was stored',
        );
      },
      requireMediaType(JSON_TYPES, 'application/json'),
      express.json({ limit: 16 * 1024, strict: true, type: JSON_TYPES }),
      async (req, res) => {
        const log = requestContext(res).logger;
        const parsed = parseActivationBody(req.body);
        if (!parsed.ok) {
          throw new ApiError(
            422,
            'PAYLOAD_INVALID',
            `${parsed.errors.length} field error(s) in the activation body`,
            parsed.errors,
          );
        }
        const { bid: businessId, cid, 'external-id': externalId, apicode } = parsed.body;
        if (parsed.ignoredKeys.length > 0)
          log.warn('activation body carried unknown keys; ignored', { businessId, keys: parsed.ignoredKeys });

        const outcome = await deps.redis.run(async () => {
          const [namespace, owner, entry] = await Promise.all([
            deps.profileUuids.namespace(),
            externalId ? deps.profileUuids.businessIdOf(externalId) : Promise.resolve(undefined),
            deps.ledger.get(businessId),
          ]);
          const decision = matchActivation({
            bid: businessId,
            externalId,
            businessIdOfExternalId: owner,
            derivedExternalId: derivedProfileUuid(businessId, namespace),
            knownBusinessId: entry !== null && entry.state !== 'inflight',
          });
          const put = await deps.credentials.put({
            businessId,
            cid,
            externalId: externalId ?? null,
            matched: decision.matched,
            matchedBy: decision.by,
            ...(decision.reason ? { reason: decision.reason } : {}),
            activatedAt: new Date().toISOString(),
            apicode,
          });
          if (put.kind !== 'conflict' && !put.record.published) await publish(put.record);
          return put;
        });

        if (outcome.kind === 'conflict') {
          log.error(
            'ALERT: Ropo One sent a different cid for a customer already activated; the first credential is kept',
            {
              businessId,
              action: 'ask Ropo support which profile is current; nothing was overwritten',
            },
          );
          throw new ApiError(
            409,
            'ACTIVATION_CONFLICT',
            'this business id is already activated with another cid; the first credential is kept',
          );
        }
        const { record } = outcome;
        if (outcome.kind === 'stored') {
          if (!record.matched) {
            log.error(
              'ALERT: activation for no customer of ours; the credential is stored, flagged matched:false',
              {
                businessId,
                reason: record.reason,
                action: 'check the business id with Ropo support, then `onboarding customer <business-id>`',
              },
            );
          }
          log.info('customer activated', {
            businessId,
            matched: record.matched,
            matchedBy: record.matchedBy,
          });
          const enqueuedAt = await deps.enqueuedAt(businessId).catch(() => undefined);
          deps.onActivated?.({
            matched: record.matched,
            sinceEnqueueMs: enqueuedAt ? Date.parse(record.activatedAt) - Date.parse(enqueuedAt) : undefined,
          });
        } else if (!deps.credentials.holds(record, apicode)) {
          log.error('ALERT: Ropo One sent the same cid with another apicode; the first credential is kept', {
            businessId,
            action: 'ask Ropo support which apicode is current; nothing was overwritten',
          });
        } else {
          log.info('activation delivered again; nothing new', { businessId });
        }
        res.status(outcome.kind === 'stored' ? 201 : 200).json({
          businessId,
          status: outcome.kind,
          matched: record.matched,
          matchedBy: record.matchedBy,
        });
      },
    ],
  });

  async function publish(record: CredentialRecord): Promise<void> {
    const data: ActivatedEventData = {
      businessId: record.businessId,
      cid: record.cid,
      externalId: record.externalId,
      matched: record.matched,
    };
    await deps.events.publish(buildCustomerEvent(EVENT_TYPES.activated, data, [record.cid]));
    await deps.credentials.markPublished(record.businessId);
  }

  return router;
}
