// Upstream systems (CRMs, ERPs, forms) send `null`, `""` or `[]` for "unknown". Those carry no
// data, so they are treated as absent before validation; everything else is kept for the schema
// to judge (which also trims every string it accepts).

const MAX_DEPTH = 8; // the body nests three levels; deeper input is left for the schema to reject

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const NON_BLANK = /\S/; // stops at the first visible character, so a normal string costs one step

/** True for what upstream systems send for "unknown": `null`, a blank string, `[]` (and `undefined`). */
export function isBlank(value: unknown): boolean {
  if (typeof value === 'string') {
    // A visible ASCII first character settles it without the regex, which is called for every
    // string of every payload (a twentieth of validation in its profile).
    const first = value.charCodeAt(0);
    if (first > 0x20 && first < 0x7f) return false;
    return !NON_BLANK.test(value);
  }
  if (typeof value !== 'object') return value === undefined;
  return value === null || (Array.isArray(value) && value.length === 0);
}

/** The keys the schema accepts at a path prefix such as `''`, `customer_info.` or `users.*.`. */
export type KnownKeys = (prefix: string) => readonly string[] | undefined;

/**
 * Returns the value with null, blank-string and empty-array object properties removed, at any
 * depth. Never mutates: a changed object is copied, an unchanged one is returned as is (the
 * common case, which then costs no allocation). With `knownKeys`, only keys the schema knows are
 * dropped: an unknown key stays for the schema to reject by its path, even when it is empty.
 */
export function normaliseInput(value: unknown, knownKeys?: KnownKeys, prefix = '', depth = 0): unknown {
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const normalised = normaliseInput(item, knownKeys, `${prefix}*.`, depth + 1);
      if (normalised !== item && !copy) copy = value.slice(0, i);
      if (copy) copy.push(normalised);
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  // for-in over own keys: no key array to allocate (this runs on every payload, ~15 objects each).
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const inner = value[key];
    const blank = isBlank(inner) && (!knownKeys || knownKeys(prefix)?.includes(key) === true);
    const normalised =
      blank || typeof inner !== 'object'
        ? inner
        : normaliseInput(inner, knownKeys, `${prefix}${key}.`, depth + 1);
    if ((blank || normalised !== inner) && !copy) copy = copyUntil(value, key);
    if (copy && !blank) assign(copy, key, normalised);
  }
  return copy ?? value;
}

/** A copy of the own properties of `source` that come before `stop`. */
function copyUntil(source: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in source) {
    if (key === stop) break;
    if (Object.hasOwn(source, key)) assign(copy, key, source[key]);
  }
  return copy;
}

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` from JSON.parse is an own key; assigning it would change the prototype instead.
  // (defineProperty only there: it turns objects into slow dictionaries.)
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
