// JSON.parse keeps these as own keys, but json-merge-patch (like most object code) skips them, so a
// patch holding one would replay the unpatched payload without a word.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The path of the first key in a JSON merge patch that can never be applied (`__proto__`,
 * `constructor`, `prototype`), e.g. `customer_info.__proto__`; undefined when there is none.
 */
export function forbiddenPatchKey(patch: unknown, path: string[] = []): string | undefined {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return undefined;
  for (const key of Object.keys(patch)) {
    if (FORBIDDEN_KEYS.has(key)) return [...path, key].join('.');
    const inner = forbiddenPatchKey((patch as Record<string, unknown>)[key], [...path, key]);
    if (inner) return inner;
  }
  return undefined;
}
