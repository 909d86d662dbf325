import type { z } from 'zod';
import { defOf, type ZodCheck, type ZodDef } from './zod-def';

/** What a compiled validator returns when zod must decide: the input is invalid, or unusual. */
export const DEFER: unique symbol = Symbol('defer to zod');

/** A validator compiled from a zod schema: the parsed output, or {@link DEFER}. */
export type FastValidator = (input: unknown) => unknown;

/** Thrown at compile time for a schema construct the fast path does not know. */
class UnsupportedSchemaError extends Error {}

/** One of a type's own checks, read off zod's check object once at compile time. */
interface CheckStep {
  when: ((payload: { value: unknown; issues: unknown[] }) => boolean) | undefined;
  zod: ZodCheck['_zod'];
}

const stepsOf = (checks: readonly ZodCheck[]): CheckStep[] =>
  checks.map((check) => ({ when: check._zod.def.when, zod: check._zod }));

// Runs a type's own checks (ours: trim, normalise, length, domain rule) exactly as zod would on an
// input without issues, and gives up on the first issue: zod then parses again and reports them all.
function checked(steps: readonly CheckStep[], value: unknown): unknown {
  if (steps.length === 0) return value;
  const payload = { value, issues: [] as unknown[] };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as CheckStep;
    if (step.when && !step.when(payload)) continue;
    const result = step.zod.check(payload);
    if (payload.issues.length > 0 || result instanceof Promise) return DEFER;
  }
  return payload.value;
}

type Presence = 'required' | 'optional' | { default: ZodDef };

interface Field {
  key: string;
  presence: Presence;
  /** A string, number or boolean: its type test and checks are written into the walk itself. */
  leaf?: Leaf;
  /** Any other type: the walk calls its compiled validator. */
  validate?: FastValidator;
}

/** A primitive schema as the generated walk checks it inline. */
interface Leaf {
  /** A JavaScript condition on `value` that is true for a value of the right type. */
  test: string;
  steps: CheckStep[];
}

// The type tests of the primitive schemas, for the walk's inline fields and primitiveValidator alike.
const LEAF_TESTS: Record<string, string> = {
  string: "typeof value === 'string'",
  number: "typeof value === 'number' && Number.isFinite(value)",
  boolean: "typeof value === 'boolean'",
};

function leafOf(schema: unknown): Leaf | undefined {
  const def = defOf(schema);
  const test = LEAF_TESTS[def.type];
  if (test === undefined || def.coerce) return undefined;
  return { test, steps: stepsOf(def.checks ?? []) };
}

/** A primitive that is not an object's field (an array's element, a root): its test and checks. */
function primitiveValidator(leaf: Leaf): FastValidator {
  const factory = new Function(
    'checked',
    'steps',
    'DEFER',
    `return (value) => (${leaf.test} ? checked(steps, value) : DEFER);`,
  ) as (run: typeof checked, steps: CheckStep[], defer: typeof DEFER) => FastValidator;
  return factory(checked, leaf.steps, DEFER);
}

/** How a compiled validator treats a present field value that stands for "absent". */
export interface FastValidatorOptions {
  /** True for a value that counts as absent (our normaliseInput drops such fields); default: none. */
  isAbsent?: (value: unknown) => boolean;
}

function compileObject(def: ZodDef, options: FastValidatorOptions): FastValidator {
  if (!def.shape) throw new UnsupportedSchemaError('object without shape');
  // Only strict objects: an unknown key must go to zod, which reports it with its path.
  if (!def.catchall || defOf(def.catchall).type !== 'never') {
    throw new UnsupportedSchemaError('only strict objects are compiled');
  }
  const fields: Field[] = Object.entries(def.shape).map(([key, inner]): Field => {
    const innerDef = defOf(inner);
    const wrapped = innerDef.type === 'optional' || innerDef.type === 'default';
    const schema = wrapped ? innerDef.innerType : inner;
    const presence: Presence =
      innerDef.type === 'optional'
        ? 'optional'
        : innerDef.type === 'default'
          ? { default: innerDef }
          : 'required';
    const leaf = leafOf(schema);
    return leaf ? { key, presence, leaf } : { key, presence, validate: compile(schema, options) };
  });
  const known = new Set(fields.map((field) => field.key));
  const checks = stepsOf(def.checks ?? []);
  const walk = generateWalk(fields, options.isAbsent ?? (() => false));
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return DEFER;
    const proto = Object.getPrototypeOf(input) as unknown;
    if (proto !== Object.prototype && proto !== null) return DEFER;
    const record = input as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i++) if (!known.has(keys[i] as string)) return DEFER;
    const output = walk(record, keys.length);
    return output === DEFER ? DEFER : checked(checks, output);
  };
}

type Walk = (record: Record<string, unknown>, keyCount: number) => unknown;

/**
 * One object's fields as straight-line code, generated once from the schema: each field is read by
 * its own literal name, so V8 sees one object shape per access (JSON.parse gives every payload of
 * the same key order the same shape) instead of a keyed access that meets every field of every
 * section, and the output is built in the schema's order. The line profile of the loop it replaces
 * put a quarter of validation on those keyed reads and writes. Keys come from our schema, never from
 * input, and are written as JSON string literals.
 */
function generateWalk(fields: readonly Field[], isAbsent: (value: unknown) => boolean): Walk {
  const lines = fields.map((field, i) => {
    const key = JSON.stringify(field.key);
    // A key present with undefined, or a required one missing: zod's rules for those are subtle.
    const onAbsent =
      field.presence === 'required'
        ? 'return DEFER;'
        : `if (value === undefined && ${key} in record) return DEFER;` +
          (field.presence === 'optional' ? '' : ` output[${key}] = defaults[${i}].defaultValue;`);
    // A primitive's checks are called from their own line, each call site seeing one check (which V8
    // can then inline), as checked() does them for any other type.
    const present = field.leaf
      ? [
          `if (!(${field.leaf.test})) return DEFER;`,
          'payload = { value, issues: [] };',
          ...field.leaf.steps.map(
            (_step, j) =>
              `if (when${i}_${j} === undefined || when${i}_${j}(payload)) { ` +
              `result = zod${i}_${j}.check(payload); ` +
              'if (payload.issues.length > 0 || result instanceof Promise) return DEFER; }',
          ),
          'parsed = payload.value;',
        ].join(' ')
      : `parsed = validate${i}(value);`;
    return [
      `value = record[${key}];`,
      'if (value !== undefined) read += 1;',
      `if (value === undefined || isAbsent(value)) { ${onAbsent} }`,
      `else { ${present} if (parsed === DEFER || parsed === undefined) return DEFER; output[${key}] = parsed; }`,
    ].join('\n');
  });
  const body = [
    ...fields.map((field, i) => (field.leaf ? '' : `const validate${i} = validators[${i}];`)),
    ...fields.flatMap((field, i) =>
      (field.leaf?.steps ?? []).map(
        (_step, j) =>
          `const when${i}_${j} = leafSteps[${i}][${j}].when; const zod${i}_${j} = leafSteps[${i}][${j}].zod;`,
      ),
    ),
    'return function walk(record, keyCount) {',
    'const output = {}; let read = 0; let value; let parsed; let payload; let result;',
    ...lines,
    // More values read than own enumerable keys: one came from a non-enumerable or inherited
    // property, which normaliseInput's copy (and so zod) would not see.
    'return read === keyCount ? output : DEFER;',
    '};',
  ].join('\n');
  // zod's default definitions, read on each use: their `defaultValue` gives a fresh copy each time.
  const defaults = fields.map((field) =>
    typeof field.presence === 'object' ? field.presence.default : undefined,
  );
  const factory = new Function('validators', 'leafSteps', 'defaults', 'isAbsent', 'DEFER', body) as (
    validators: (FastValidator | undefined)[],
    leafSteps: (CheckStep[] | undefined)[],
    defaults: (ZodDef | undefined)[],
    isAbsent: (value: unknown) => boolean,
    defer: typeof DEFER,
  ) => Walk;
  return factory(
    fields.map((field) => field.validate),
    fields.map((field) => field.leaf?.steps),
    defaults,
    isAbsent,
    DEFER,
  );
}

function compile(schema: unknown, options: FastValidatorOptions): FastValidator {
  const def = defOf(schema);
  if (def.coerce) throw new UnsupportedSchemaError('coercion');
  const leaf = leafOf(schema);
  if (leaf) return primitiveValidator(leaf);
  const checks = stepsOf(def.checks ?? []);
  switch (def.type) {
    case 'literal': {
      const values = new Set(def.values);
      return (input) => (values.has(input) ? checked(checks, input) : DEFER);
    }
    case 'array': {
      const element = compile(def.element, options);
      return (input) => {
        if (!Array.isArray(input)) return DEFER;
        const output: unknown[] = new Array<unknown>(input.length);
        for (let i = 0; i < input.length; i++) {
          const parsed = element(input[i]);
          if (parsed === DEFER || parsed === undefined) return DEFER;
          output[i] = parsed;
        }
        return checked(checks, output);
      };
    }
    case 'object':
      return compileObject(def, options);
    default:
      throw new UnsupportedSchemaError(`type ${def.type}`);
  }
}

/**
 * Compiles a zod schema into a direct validator for the common case, a valid input: it runs the
 * schema's own checks (the same functions zod runs) without zod's per-field bookkeeping, and returns
 * what zod's parse would. Anything else (an issue, an unknown key, an unusual value) gives
 * {@link DEFER}, and zod decides with its full error report. Returns `undefined` when the schema
 * uses a construct this does not compile, so callers simply keep using zod.
 */
export function compileFastValidator(
  schema: z.ZodType,
  options: FastValidatorOptions = {},
): FastValidator | undefined {
  try {
    return compile(schema, options);
  } catch (error) {
    // EvalError: node runs with --disallow-code-generation-from-strings, so no generated walk.
    if (error instanceof UnsupportedSchemaError || error instanceof EvalError) return undefined;
    throw error;
  }
}
