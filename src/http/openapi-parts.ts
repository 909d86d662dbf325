// The building blocks of the OpenAPI document: component schemas from zod, and shared pieces.
import { z } from 'zod';
import { activationBodySchema } from '../contracts/activation';
import { createProfileSchema } from '../contracts/payload-schema';
import {
  acceptedSchema,
  batchLineSchema,
  batchResultSchema,
  bulkReplayBodySchema,
  bulkReplayResultSchema,
  deadLetterPageSchema,
  deadLetterRecordSchema,
  deadLetterSummarySchema,
  errorBodySchema,
  eventBatchItemSchema,
  eventBatchResultSchema,
  fieldErrorSchema,
  intakeEnvelopeSchema,
  onboardingStatusSchema,
  outcomeSchema,
  replayOutcomeSchema,
} from './api-schemas';

/** A JSON object of the document. */
export type JsonObject = Record<string, unknown>;

/** The schema the envelope is documented with: its `payload` is the payload schema (the router validates it with that too). */
const documentedEnvelopeSchema = intakeEnvelopeSchema.extend({ payload: createProfileSchema });

/** The component schemas by name, from the zod schemas the routers validate with. */
const COMPONENTS: readonly [string, z.ZodType][] = [
  ['OnboardingPayload', createProfileSchema],
  ['IntakeEnvelope', documentedEnvelopeSchema],
  ['FieldError', fieldErrorSchema],
  ['Error', errorBodySchema],
  ['Accepted', acceptedSchema],
  ['BatchLineResult', batchLineSchema],
  ['BatchResult', batchResultSchema],
  ['EventBatchItemResult', eventBatchItemSchema],
  ['EventBatchResult', eventBatchResultSchema],
  ['Outcome', outcomeSchema],
  ['OnboardingStatus', onboardingStatusSchema],
  ['DeadLetterSummary', deadLetterSummarySchema],
  ['DeadLetterPage', deadLetterPageSchema],
  ['DeadLetterRecord', deadLetterRecordSchema],
  ['ReplayOutcome', replayOutcomeSchema],
  ['BulkReplayRequest', bulkReplayBodySchema],
  ['BulkReplayResult', bulkReplayResultSchema],
  ['ActivationBody', activationBodySchema],
];
const componentNames = new Map<z.ZodType, string>(COMPONENTS.map(([name, schema]) => [schema, name]));

/** A reference to the component schema of this zod schema (which must be one of the components). */
export function ref(schema: z.ZodType): JsonObject {
  const name = componentNames.get(schema);
  if (name === undefined) throw new Error('this zod schema is not one of the OpenAPI component schemas');
  return { $ref: `#/components/schemas/${name}` };
}

/** A payload, or an envelope around one: what every way in reads. */
export const payloadOrEnvelope: JsonObject = {
  oneOf: [ref(createProfileSchema), ref(documentedEnvelopeSchema)],
};

/** The component schemas. */
export function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of COMPONENTS) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

/** Query parameters of a zod object, each with its description. */
export function queryParameters(schema: z.ZodObject): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonObject>;
  };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    description: property.description,
    schema: property,
  }));
}

/** A JSON body of this schema: a component's zod schema (documented by reference) or a JSON schema. */
export const json = (schema: z.ZodType | JsonObject): JsonObject => ({
  'application/json': { schema: schema instanceof z.ZodType ? ref(schema) : schema },
});

/** An error answer (the common error body) with this description. */
export const error = (description: string): JsonObject => ({ description, content: json(errorBodySchema) });

/** The errors every authenticated route can answer. */
export const COMMON_ERRORS = {
  '401': error('UNAUTHORIZED: no or wrong Bearer token'),
  '503': error('REDIS_UNAVAILABLE: nothing was stored; retry later (Retry-After)'),
  '507': error('REDIS_FULL: Redis is out of memory; nothing was stored until an operator acts'),
};

// What `POST /v1/events` reads: a CloudEvents 1.0 event whose `data` is a payload or an envelope
// (or, with INTAKE_MAPPER, the upstream system's own shape). The SDK validates the other attributes.
export const cloudEvent: JsonObject = {
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1, format: 'uri-reference' },
    type: {
      type: 'string',
      description: 'One of INTAKE_EVENT_TYPES (default onboarding.customer.requested)',
    },
    traceparent: { type: 'string', description: 'W3C trace context (distributed-tracing extension)' },
    tracestate: { type: 'string' },
    data: payloadOrEnvelope,
  },
  additionalProperties: true,
};

/** The `{id}` path parameter. */
export const idParameter = (description: string): JsonObject => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
