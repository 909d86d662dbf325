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
  bulkReplayResultSchema,
  deadLetterListQuerySchema,
  deadLetterPageSchema,
  deadLetterRecordSchema,
  parseOrBadRequest,
  replayOutcomeSchema,
} from './api-schemas';
import { ApiError } from './errors';
import { COMMON_ERRORS, error, idParameter, json, queryParameters } from './openapi-parts';
import { defineRoutes, mountRoutes } from './route-table';
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

const deadLetterId = idParameter('The dead-letter id');
const notFound = error('NOT_FOUND');

/** The routes of {@link deadLetterRouter}. */
export const deadLetterRoutes = defineRoutes({
  list: {
    method: 'get',
    path: '/v1/dead-letters',
    scope: 'operator',
    operation: {
      summary: 'List dead letters (without payloads), oldest first',
      parameters: queryParameters(deadLetterListQuerySchema),
      responses: {
        '200': { description: 'A page', content: json(deadLetterPageSchema) },
        '400': error('BAD_REQUEST: an unknown or malformed parameter'),
        ...COMMON_ERRORS,
      },
    },
  },
  purge: {
    method: 'delete',
    path: '/v1/dead-letters',
    scope: 'operator',
    operation: {
      summary: 'Delete the dead letters matching the filters (at least one, or all=true)',
      parameters: queryParameters(bulkDeleteQuerySchema),
      responses: {
        '200': {
          description: 'The removed record ids',
          content: json({
            type: 'object',
            properties: { removed: { type: 'array', items: { type: 'string' } } },
          }),
        },
        '400': error('BAD_REQUEST'),
        ...COMMON_ERRORS,
      },
    },
  },
  bulkReplay: {
    method: 'post',
    path: '/v1/dead-letters/replay',
    scope: 'operator',
    operation: {
      summary: 'Replay the dead letters matching the filters (each re-validated)',
      requestBody: { required: true, content: json(bulkReplayBodySchema) },
      responses: {
        '200': { description: 'What was replayed', content: json(bulkReplayResultSchema) },
        '400': error('BAD_REQUEST: no filter and no all: true'),
        ...COMMON_ERRORS,
      },
    },
  },
  show: {
    method: 'get',
    path: '/v1/dead-letters/:id',
    scope: 'operator',
    operation: {
      summary: 'One dead-letter record, payload included',
      parameters: [deadLetterId],
      responses: {
        '200': { description: 'The record', content: json(deadLetterRecordSchema) },
        '404': notFound,
        ...COMMON_ERRORS,
      },
    },
  },
  replay: {
    method: 'post',
    path: '/v1/dead-letters/:id/replay',
    scope: 'operator',
    operation: {
      summary: 'Replay one dead letter, optionally fixed by a JSON merge patch (RFC 7386) first',
      parameters: [
        deadLetterId,
        { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } },
      ],
      requestBody: {
        required: false,
        content: {
          'application/merge-patch+json': { schema: { type: 'object' } },
          'application/json': { schema: { type: 'object' } },
        },
      },
      responses: {
        '202': { description: 'Replayed as a new job', content: json(replayOutcomeSchema) },
        '200': { description: 'Dry run: what would happen', content: json(replayOutcomeSchema) },
        '404': notFound,
        '415': error('UNSUPPORTED_MEDIA_TYPE'),
        '422': error('PAYLOAD_INVALID: the (patched) payload is still invalid; nothing was replayed'),
        ...COMMON_ERRORS,
      },
    },
  },
  delete: {
    method: 'delete',
    path: '/v1/dead-letters/:id',
    scope: 'operator',
    operation: {
      summary: 'Delete one dead letter',
      parameters: [deadLetterId],
      responses: { '204': { description: 'Deleted' }, '404': notFound, ...COMMON_ERRORS },
    },
  },
});

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
  return mountRoutes(Router(), deadLetterRoutes, {
    list: [
      async (req, res) => {
        const query = parseOrBadRequest(deadLetterListQuerySchema, req.query, 'query');
        const page = await redis(() =>
          operations.list(toDeadLetterFilter(query), { offset: query.offset, limit: query.limit }),
        );
        res.json({ total: page.total, offset: query.offset, limit: query.limit, items: page.items });
      },
    ],

    bulkReplay: [
      jsonType,
      json,
      async (req, res) => {
        const body = parseOrBadRequest(bulkReplayBodySchema, req.body ?? {}, 'replay request');
        const outcomes = await bulkRedis(() =>
          operations.replay(toDeadLetterFilter(body), {
            dryRun: body.dryRun,
            ratePerSecond: body.ratePerSecond,
          }),
        );
        const replayed = outcomes.filter(
          (o) => o.action === 'replayed' || o.action === 'would-replay',
        ).length;
        const invalid = outcomes.filter((o) => o.action === 'invalid').length;
        requestContext(res).logger.info('dead letters replayed', {
          replayed,
          invalid,
          dryRun: body.dryRun ?? false,
        });
        res.json({ replayed, invalid, results: outcomes.map(withStatusUrl) });
      },
    ],

    show: [
      async (req, res) => {
        const record = await redis(() => operations.show(req.params.id));
        if (!record) throw new ApiError(404, 'NOT_FOUND', 'no dead letter with this id');
        res.json({ id: req.params.id, record });
      },
    ],

    replay: [
      jsonType,
      json,
      async (req, res) => {
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
      },
    ],

    delete: [
      async (req, res) => {
        const { removed } = await redis(() => operations.purge({ ids: [req.params.id] }));
        if (removed.length === 0) throw new ApiError(404, 'NOT_FOUND', 'no dead letter with this id');
        requestContext(res).logger.info('dead letter deleted', { deadLetterId: req.params.id });
        res.status(204).end();
      },
    ],

    purge: [
      async (req, res) => {
        const query = parseOrBadRequest(bulkDeleteQuerySchema, req.query, 'query');
        const { removed } = await bulkRedis(() => operations.purge(toDeadLetterFilter(query)));
        requestContext(res).logger.info('dead letters deleted', { count: removed.length });
        res.json({ removed });
      },
    ],
  });
}
