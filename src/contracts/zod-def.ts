/** A check as zod 4 keeps it on a schema: it reads `payload.value` and pushes to `payload.issues`. */
export interface ZodCheck {
  _zod: {
    check(payload: { value: unknown; issues: unknown[] }): unknown;
    def: { when?: (payload: { value: unknown; issues: unknown[] }) => boolean };
  };
}

/** The parts of a zod 4 schema definition that our schema walkers read (zod's own `_zod.def`). */
export interface ZodDef {
  type: string;
  innerType?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  catchall?: unknown;
  checks?: ZodCheck[];
  values?: unknown[];
  coerce?: boolean;
  defaultValue?: unknown;
}

/** The definition of a zod 4 schema, for code that walks the schema's structure. */
export function defOf(schema: unknown): ZodDef {
  return (schema as { _zod: { def: ZodDef } })._zod.def;
}
