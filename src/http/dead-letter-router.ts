import express, { Router } from 'express';
import { forbiddenPatchKey } from '../contracts/merge-patch-keys';
import {
  toDeadLetterFilter,
  type DeadLetterOperations,
  type ReplayOutcome,
} from '../queues/dead-letter-operations';
import {
  bulkDeleteQuerySchema,
  bulkReplayBodySchema,
  deadLetterListQuerySchema,
  parseOrBadRequest,
} from './api-schemas';
import { ApiError } from './errors';
import { allowMediaTypeIfBody } from './media-type';
import { statusUrl } from './status-url';
import type { RedisGate } from './redis-availability';
import { requestContext } from './request-context';

/** Dependencies of {@link deadLetterRouter}. */
export interface DeadLetterRouterDeps {
  operations: DeadLetterOperations;
  redis: RedisGate;
  maxBodyBytes: number;
}

// Merge patches (RFC 7386) have their own media type; plain JSON is accepted too.
const PATCH_TYPES = ['application/json', 'application/merge-patch+json'];

function withStatusUrl(outcome: ReplayOutcome) {
  return 'newJobId' in outcome ? { ...outcome, statusUrl: statusUrl(outcome.newJobId) } : outcome;
}

function isTruthy(value: unknown): boolean {
  return value === 'true' || value === '1';
}

/**
 * `/v1/dead-letters`: list (filters, paging), show (payload included), replay one (optionally
 * patched, re-validated), bulk replay by filter, delete one or by filter. Every operation goes
 * through the same library as `npx onboarding dlq`, so the API and the CLI cannot disagree.
 */
export function deadLetterRouter(deps: DeadLetterRouterDeps): Router {
  const { operations } = deps;
  const redis = <T>(run: () => Promise<T>) => deps.redis.run(run);
  // A bulk replay with a rate limit may run for a while; it is bounded by its own work, not the Redis deadline.
  const bulkRedis = <T>(run: () => Promise<T>) => deps.redis.run(run, 10 * 60_000);
  const jsonType = allowMediaTypeIfBody(PATCH_TYPES, 'application/merge-patch+json');
  const json = express.json({ limit: deps.maxBodyBytes, strict: false, type: PATCH_TYPES });
  const router = Router();

  router.get('/v1/dead-letters', async (req, res) => {
    const query = parseOrBadRequest(deadLetterListQuerySchema, req.query, 'query');
    const page = await redis(() =>
      operations.list(toDeadLetterFilter(query), { offset: query.offset, limit: query.limit }),
    );
    res.json({ total: page.total, offset: query.offset, limit: query.limit, items: page.items });
  });

  router.post('/v1/dead-letters/replay', jsonType, json, async (req, res) => {
    const body = parseOrBadRequest(bulkReplayBodySchema, req.body ?? {}, 'replay request');
    const outcomes = await bulkRedis(() =>
      operations.replay(toDeadLetterFilter(body), { dryRun: body.dryRun, ratePerSecond: body.ratePerSecond }),
    );
    const replayed = outcomes.filter((o) => o.action === 'replayed' || o.action === 'would-replay').length;
    const invalid = outcomes.filter((o) => o.action === 'invalid').length;
    requestContext(res).logger.info('dead letters replayed', {
      replayed,
      invalid,
      dryRun: body.dryRun ?? false,
    });
    res.json({ replayed, invalid, results: outcomes.map(withStatusUrl) });
  });

  router.get('/v1/dead-letters/:id', async (req, res) => {
    const record = await redis(() => operations.show(req.params.id));
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'no dead letter with this id');
    res.json({ id: req.params.id, record });
  });

  router.post('/v1/dead-letters/:id/replay', jsonType, json, async (req, res) => {
    // No body (or an empty one) replays the record as it is.
    const patch = req.body === undefined || req.body === '' ? undefined : req.body;
    if (patch !== undefined && (typeof patch !== 'object' || patch === null || Array.isArray(patch))) {
      throw new ApiError(400, 'BAD_REQUEST', 'the body must be a JSON merge patch object (RFC 7386)');
    }
    const forbidden = forbiddenPatchKey(patch);
    if (forbidden) {
      throw new ApiError(
        400,
        'BAD_REQUEST',
        `the merge patch holds the key ${forbidden}, which can never be applied`,
      );
    }
    const dryRun = isTruthy(req.query.dryRun);
    const id = String(req.params.id);
    const [outcome] = await redis(() => operations.replay({ ids: [id] }, { patch, dryRun }));
    if (!outcome || outcome.action === 'not-found')
      throw new ApiError(404, 'NOT_FOUND', 'no dead letter with this id');
    if (outcome.action === 'invalid') {
      throw new ApiError(
        422,
        'PAYLOAD_INVALID',
        'the patched payload is still invalid; nothing was replayed',
        outcome.errors,
      );
    }
    requestContext(res).logger.info('dead letter replayed', {
      deadLetterId: outcome.id,
      jobId: outcome.newJobId,
      dryRun,
    });
    res.status(outcome.action === 'replayed' ? 202 : 200).json(withStatusUrl(outcome));
  });

  router.delete('/v1/dead-letters/:id', async (req, res) => {
    const { removed } = await redis(() => operations.purge({ ids: [req.params.id] }));
    if (removed.length === 0) throw new ApiError(404, 'NOT_FOUND', 'no dead letter with this id');
    requestContext(res).logger.info('dead letter deleted', { deadLetterId: req.params.id });
    res.status(204).end();
  });

  router.delete('/v1/dead-letters', async (req, res) => {
    const query = parseOrBadRequest(bulkDeleteQuerySchema, req.query, 'query');
    const { removed } = await bulkRedis(() => operations.purge(toDeadLetterFilter(query)));
    requestContext(res).logger.info('dead letters deleted', { count: removed.length });
    res.json({ removed });
  });

  return router;
}
