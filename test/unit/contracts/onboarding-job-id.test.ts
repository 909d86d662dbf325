import fc from 'fast-check';
import { isDeadLetterId } from '../../../src/contracts/dead-letter-record';
import { canonicalJson, isOnboardingJobId, onboardingJobId } from '../../../src/contracts/onboarding-job';

/** The definition canonicalJson must keep: JSON.stringify of a copy with every object's keys sorted. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(copy, key, {
      value: sortedCopy((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** True when some object inside has an array-index key ("0", "17"), which JS objects always list first. */
function hasIndexKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasIndexKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => /^(0|[1-9]\d*)$/.test(key) || hasIndexKey(inner));
}

describe('onboarding job ids', () => {
  it('serialises JSON exactly as JSON.stringify of its key-sorted copy', () => {
    // Job ids of stored jobs hash this text: a different byte would break duplicate detection
    // across an upgrade. Index-like keys are left out: the old code could not sort them (JS lists
    // them first) while the library does, but the schema rejects them, so no stored job has one.
    fc.assert(
      fc.property(
        fc.jsonValue().filter((value) => !hasIndexKey(value)),
        (value) => {
          expect(canonicalJson(value)).toBe(JSON.stringify(sortedCopy(value)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives equal payloads one id whatever their key order, and different payloads different ids', () => {
    const a = {
      customer_info: { business_id: '0112038-9', name: 'Oy Ab' },
      contact_person: { email: 'a@b.fi' },
    };
    const reordered = {
      contact_person: { email: 'a@b.fi' },
      customer_info: { name: 'Oy Ab', business_id: '0112038-9' },
    };
    expect(onboardingJobId(reordered)).toBe(onboardingJobId(a));
    expect(onboardingJobId({ ...a, contact_person: { email: 'c@b.fi' } })).not.toBe(onboardingJobId(a));
    expect(onboardingJobId(a)).toMatch(/^ph-[0-9a-f]{40}$/);
  });

  it('keeps the id of a stored job: the same text hashes to the same id as before', () => {
    // sha256 of '{"a":1,"b":[{"c":null,"d":"e"}]}', computed with sha256sum.
    expect(onboardingJobId({ b: [{ d: 'e', c: null }], a: 1 })).toBe(
      'ph-5295b6852287e82a3b1e3603a17070501587fdf1',
    );
  });

  it('uses a safe event id as is and hashes an unusual one', () => {
    expect(onboardingJobId({}, 'crm-42')).toBe('evt-crm-42');
    expect(onboardingJobId({}, 'a:b')).toMatch(/^evh-[0-9a-f]{40}$/);
  });

  it('never lets a hashed id equal a verbatim one: an upstream sending the hash itself gets another id', () => {
    const hashed = onboardingJobId({}, 'key with spaces');
    const verbatim = onboardingJobId({}, hashed.slice(4));
    expect(verbatim).toBe(`evt-${hashed.slice(4)}`);
    expect(verbatim).not.toBe(hashed);
  });

  it('knows the shapes of the ids it issues, and nothing else (queue keys above all)', () => {
    for (const id of [
      onboardingJobId({ a: 1 }),
      onboardingJobId({}, 'crm-42'),
      onboardingJobId({}, 'a:b'),
      'rp-evt-crm-42-2',
      '17',
    ])
      expect(isOnboardingJobId(id)).toBe(true);
    for (const id of [
      'meta',
      'events',
      'id',
      'wait',
      'stalled-check',
      '0',
      '',
      'evt-',
      'evt-a:b',
      'x'.repeat(300),
    ])
      expect(isOnboardingJobId(id)).toBe(false);
    expect(isDeadLetterId('dl-evt-crm-42')).toBe(true);
    expect(isDeadLetterId('meta')).toBe(false);
    expect(isDeadLetterId('dl-meta')).toBe(false);
  });
});
