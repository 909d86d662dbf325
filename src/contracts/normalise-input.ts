// Upstream systems (CRMs, ERPs, forms) send `null`, `""` or `[]` for "unknown". Those carry no
// data, so they are treated as absent before validation; everything else is kept for the schema
// to judge. Strings are trimmed here too so rules and completeness see the same values.

const MAX_DEPTH = 8; // the body nests three levels; deeper input is left for the schema to reject

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isBlank(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Returns a copy with strings trimmed and null, blank-string and empty-array properties removed; never mutates. */
export function normaliseInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => normaliseInput(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = value[key];
    if (isBlank(inner)) continue;
    // `__proto__` from JSON.parse is an own key; assigning it would change the prototype instead.
    Object.defineProperty(out, key, {
      value: normaliseInput(inner, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
