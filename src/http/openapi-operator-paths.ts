import { deadLetterListQuerySchema } from './api-schemas';
import {
  COMMON_ERRORS,
  error,
  idParameter,
  json,
  queryParameters,
  ref,
  type JsonObject,
} from './openapi-parts';

/** The paths of the dead-letter API, Ropo One's activation callback and the customer API. */
export function operatorPaths(): Record<string, JsonObject> {
  return {
    '/v1/dead-letters': {
      get: {
        summary: 'List dead letters (without payloads), oldest first',
        parameters: queryParameters(deadLetterListQuerySchema),
        responses: {
          '200': { description: 'A page', content: json(ref('DeadLetterPage')) },
          '400': error('BAD_REQUEST: an unknown or malformed parameter'),
          ...COMMON_ERRORS,
        },
      },
      delete: {
        summary: 'Delete the dead letters matching the filters (at least one, or all=true)',
        parameters: queryParameters(deadLetterListQuerySchema.omit({ offset: true, limit: true })),
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
    '/v1/dead-letters/replay': {
      post: {
        summary: 'Replay the dead letters matching the filters (each re-validated)',
        requestBody: { required: true, content: json(ref('BulkReplayRequest')) },
        responses: {
          '200': { description: 'What was replayed', content: json(ref('BulkReplayResult')) },
          '400': error('BAD_REQUEST: no filter and no all: true'),
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/dead-letters/{id}': {
      get: {
        summary: 'One dead-letter record, payload included',
        parameters: [idParameter('The dead-letter id')],
        responses: {
          '200': { description: 'The record', content: json(ref('DeadLetterRecord')) },
          '404': error('NOT_FOUND'),
          ...COMMON_ERRORS,
        },
      },
      delete: {
        summary: 'Delete one dead letter',
        parameters: [idParameter('The dead-letter id')],
        responses: { '204': { description: 'Deleted' }, '404': error('NOT_FOUND'), ...COMMON_ERRORS },
      },
    },
    '/v1/dead-letters/{id}/replay': {
      post: {
        summary: 'Replay one dead letter, optionally fixed by a JSON merge patch (RFC 7386) first',
        parameters: [
          idParameter('The dead-letter id'),
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
          '202': { description: 'Replayed as a new job', content: json(ref('ReplayOutcome')) },
          '200': { description: 'Dry run: what would happen', content: json(ref('ReplayOutcome')) },
          '404': error('NOT_FOUND'),
          '415': error('UNSUPPORTED_MEDIA_TYPE'),
          '422': error('PAYLOAD_INVALID: the (patched) payload is still invalid; nothing was replayed'),
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/ropo/activations': {
      post: {
        summary:
          "Ropo One's APIkey callback: stores the new profile's credentials (sealed) before answering 2xx",
        security: [{ activationKey: [] }],
        requestBody: { required: true, content: json(ref('ActivationBody')) },
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
    '/v1/customers/{businessId}': {
      get: {
        summary: "A customer's state and timeline (OPERATOR_TOKENS)",
        parameters: [{ name: 'businessId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'State and steps' },
          '404': error('NOT_FOUND'),
          ...COMMON_ERRORS,
        },
      },
      delete: {
        summary:
          'Erases every trace of the customer, leaving an audit entry without the id (OPERATOR_TOKENS; see docs/privacy.md)',
        parameters: [
          { name: 'businessId', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'dryRun',
            in: 'query',
            required: false,
            schema: { type: 'boolean' },
            description: 'only count what would go, by kind',
          },
        ],
        responses: {
          '200': {
            description: '{businessId, dryRun, counts (by kind), total, skippedActive, auditId}',
          },
          '400': error('BAD_REQUEST: not a valid Finnish business id'),
          '403': error('FORBIDDEN: a token of another scope'),
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/customers/{businessId}/credentials': {
      get: {
        summary: "An activated customer's cid and apicode (CREDENTIALS_TOKENS only; audited; no-store)",
        parameters: [{ name: 'businessId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: '{businessId, cid, apicode, externalId, matched, activatedAt}' },
          '403': error('FORBIDDEN: a token of another scope'),
          '404': error('NOT_FOUND: not activated'),
          ...COMMON_ERRORS,
          '503': error('CREDENTIALS_UNAVAILABLE or REDIS_UNAVAILABLE'),
        },
      },
    },
  };
}
