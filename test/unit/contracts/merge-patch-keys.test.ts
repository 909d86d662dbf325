import { forbiddenPatchKey } from '../../../src/contracts/merge-patch-keys';

describe('forbiddenPatchKey', () => {
  it.each([
    ['{"contact_person":{"email":"a@b.fi"}}', undefined],
    ['{"__proto__":{"polluted":true}}', '__proto__'],
    ['{"customer_info":{"constructor":{}}}', 'customer_info.constructor'],
    ['{"a":{"b":{"prototype":1}}}', 'a.b.prototype'],
    ['{"users":[{"__proto__":{}}]}', undefined],
    ['null', undefined],
    ['{"name_constructor":"x"}', undefined],
  ])('%s → %s', (json, expected) => {
    expect(forbiddenPatchKey(JSON.parse(json))).toBe(expected);
  });
});
