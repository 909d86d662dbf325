import { Router, type Request } from 'express';
import { CredentialDecryptError } from '../contracts/credential-cipher';
import type { CustomerTimeline } from '../contracts/customer-timeline';
import { checkBusinessId } from '../contracts/finnish-business-id';
import type { ErasureReport } from '../queues/customer-erasure';
import type { CredentialStore } from '../queues/credential-store';
import { callerOf } from './auth';
import { ApiError, sendError } from './errors';
import { COMMON_ERRORS, error } from './openapi-parts';
import type { RedisGate } from './redis-availability';
import { defineRoutes, mountRoutes } from './route-table';
import { requestContext } from './request-context';

/** Dependencies of {@link customerRouter}. */
export interface CustomerRouterDeps {
  credentials: CredentialStore;
  /** False when CREDENTIALS_KEYS is empty: nothing can be opened, the credentials route answers 503. */
  canOpen: boolean;
  timeline(businessId: string): Promise<CustomerTimeline>;
  /** Erases the customer (or counts, with `dryRun`); `who` goes to the erasure audit. */
  erase(businessId: string, options: { who: string; dryRun: boolean }): Promise<ErasureReport>;
  redis: RedisGate;
}

const BUSINESS_ID = /^[A-Za-z0-9._-]{1,64}$/;

function businessIdParam(req: Request): string {
  const id = String(req.params.businessId);
  if (!BUSINESS_ID.test(id)) {
    throw new ApiError(400, 'BAD_REQUEST', 'invalid business id', [
      {
        path: 'businessId',
        code: 'VALUE_INVALID',
        message: 'expected 1-64 letters, digits, ".", "_" or "-"',
      },
    ]);
  }
  return id;
}

const businessIdParameter = { name: 'businessId', in: 'path', required: true, schema: { type: 'string' } };

/** The routes of {@link customerRouter}; each takes its own scope. */
export const customerRoutes = defineRoutes({
  timeline: {
    method: 'get',
    path: '/v1/customers/:businessId',
    scope: 'operator',
    operation: {
      summary: "A customer's state and timeline (OPERATOR_TOKENS)",
      parameters: [businessIdParameter],
      responses: { '200': { description: 'State and steps' }, '404': error('NOT_FOUND'), ...COMMON_ERRORS },
    },
  },
  erase: {
    method: 'delete',
    path: '/v1/customers/:businessId',
    scope: 'operator',
    operation: {
      summary:
        'Erases every trace of the customer, leaving an audit entry without the id (OPERATOR_TOKENS; see docs/privacy.md)',
      parameters: [
        businessIdParameter,
        {
          name: 'dryRun',
          in: 'query',
          required: false,
          schema: { type: 'boolean' },
          description: 'only count what would go, by kind',
        },
      ],
      responses: {
        '200': { description: '{businessId, dryRun, counts (by kind), total, skippedActive, auditId}' },
        '400': error('BAD_REQUEST: not a valid Finnish business id'),
        '403': error('FORBIDDEN: a token of another scope'),
        ...COMMON_ERRORS,
      },
    },
  },
  credentials: {
    method: 'get',
    path: '/v1/customers/:businessId/credentials',
    scope: 'credentials',
    operation: {
      summary: "An activated customer's cid and apicode (CREDENTIALS_TOKENS only; audited; no-store)",
      parameters: [businessIdParameter],
      responses: {
        '200': { description: '{businessId, cid, apicode, externalId, matched, activatedAt}' },
        '403': error('FORBIDDEN: a token of another scope'),
        '404': error('NOT_FOUND: not activated'),
        ...COMMON_ERRORS,
        '503': error('CREDENTIALS_UNAVAILABLE or REDIS_UNAVAILABLE'),
      },
    },
  },
});

/**
 * `GET /v1/customers/:businessId` (operator): the customer's state and every step with its time.
 * `DELETE /v1/customers/:businessId` (operator): erases every trace of the customer, leaving an
 * audit entry without the id; `?dryRun=true` only counts, by kind.
 * `GET /v1/customers/:businessId/credentials` (CREDENTIALS_TOKENS only): the new profile's cid and
 * apicode, never cached, every read written to the audit stream before the answer leaves.
 */
export function customerRouter(deps: CustomerRouterDeps): Router {
  return mountRoutes(Router(), customerRoutes, {
    timeline: [
      async (req, res) => {
        const businessId = businessIdParam(req);
        const timeline = await deps.redis.run(() => deps.timeline(businessId), 30_000);
        if (timeline.state === 'unknown')
          throw new ApiError(404, 'NOT_FOUND', 'no customer with this business id');
        res.json(timeline);
      },
    ],

    erase: [
      async (req, res) => {
        const businessId = String(req.params.businessId);
        const invalid = checkBusinessId(businessId);
        if (invalid) {
          throw new ApiError(400, 'BAD_REQUEST', 'invalid business id', [
            { path: 'businessId', code: invalid.code, message: invalid.message },
          ]);
        }
        const dryRun = req.query.dryRun === 'true' || req.query.dryRun === '1';
        const who = callerOf(res)?.label ?? 'unknown';
        const report = await deps.redis.run(() => deps.erase(businessId, { who, dryRun }), 60_000);
        // No business id in the line: the audit entry (its id logged here) is the record of who erased.
        requestContext(res).logger.info(dryRun ? 'erasure dry run' : 'customer erased', {
          who,
          auditId: report.auditId,
          total: report.total,
          skippedActive: report.skippedActive.length,
        });
        res.setHeader('Cache-Control', 'no-store');
        res.json(report);
      },
    ],

    credentials: [
      async (req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Pragma', 'no-cache');
        const businessId = businessIdParam(req);
        if (!deps.canOpen) {
          return sendError(
            res,
            503,
            'CREDENTIALS_UNAVAILABLE',
            'CREDENTIALS_KEYS is not configured: no credential can be opened',
          );
        }
        const who = callerOf(res)?.label ?? 'unknown';
        let revealed;
        try {
          revealed = await deps.redis.run(() => deps.credentials.reveal(businessId, who));
        } catch (error) {
          if (!(error instanceof CredentialDecryptError)) throw error;
          requestContext(res).logger.error('ALERT: a stored credential does not open with CREDENTIALS_KEYS', {
            businessId,
            code: error.code,
            action: 'add the key it was sealed under back to CREDENTIALS_KEYS',
          });
          return sendError(
            res,
            500,
            'CREDENTIALS_UNAVAILABLE',
            'the stored credential cannot be opened with the configured keys',
          );
        }
        if (!revealed)
          throw new ApiError(404, 'NOT_FOUND', 'no credentials for this business id (not activated)');
        requestContext(res).logger.info('credentials read', { businessId, who });
        const { record, apicode } = revealed;
        res.json({
          businessId,
          cid: record.cid,
          apicode,
          externalId: record.externalId,
          matched: record.matched,
          activatedAt: record.activatedAt,
        });
      },
    ],
  });
}
