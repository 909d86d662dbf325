import { matchActivation, parseActivationBody, type MatchInput } from '../../../src/contracts/activation';
import {
  credentialContext,
  newCredentialKeyEntry,
  openSecret,
  parseCredentialKeys,
  sealSecret,
} from '../../../src/contracts/credential-cipher';
import { customerState, type TimelineStep } from '../../../src/contracts/customer-timeline';
import { derivedProfileUuid, uuidV5, withProfileUuid } from '../../../src/contracts/profile-uuid';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const NS = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('profile_uuid', () => {
  it('is RFC 9562 UUID v5 (the RFC example: www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', DNS_NAMESPACE)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('keeps the producer own UUID and derives one, the same every time, when there is none', () => {
    const own = {
      customer_info: { business_id: '2000007-0' },
      additional_information: { profile_uuid: 'A3029A45-2608-4C9C-A8CE-93FCBCB733A7' },
    };
    expect(withProfileUuid(own, '2000007-0', NS)).toMatchObject({
      profileUuid: 'a3029a45-2608-4c9c-a8ce-93fcbcb733a7',
      derived: false,
      body: own,
    });
    const bare = { customer_info: { business_id: '2000007-0' } };
    const stamped = withProfileUuid(bare, '2000007-0', NS);
    expect(stamped.derived).toBe(true);
    expect(stamped.body).toEqual({
      ...bare,
      additional_information: { profile_uuid: derivedProfileUuid('2000007-0', NS) },
    });
    expect(bare).toEqual({ customer_info: { business_id: '2000007-0' } });
    expect(derivedProfileUuid('2000007-0', NS)).not.toBe(derivedProfileUuid('2000007-0', DNS_NAMESPACE));
  });
});

describe('matchActivation', () => {
  const base: MatchInput = { bid: '2000007-0', derivedExternalId: 'derived', knownBusinessId: false };
  it.each([
    [
      'recorded external-id of this customer',
      { externalId: 'x', businessIdOfExternalId: '2000007-0' },
      { matched: true, by: 'external-id' },
    ],
    [
      'derived external-id, nothing recorded',
      { externalId: 'derived' },
      { matched: true, by: 'external-id' },
    ],
    [
      'external-id we sent for another customer',
      { externalId: 'x', businessIdOfExternalId: '3000001-1', knownBusinessId: true },
      { matched: false, by: null, reason: 'EXTERNAL_ID_OF_OTHER_CUSTOMER' },
    ],
    [
      'unknown external-id, known bid',
      { externalId: 'x', knownBusinessId: true },
      { matched: true, by: 'bid' },
    ],
    ['no external-id, known bid', { knownBusinessId: true }, { matched: true, by: 'bid' }],
    ['nothing known', {}, { matched: false, by: null, reason: 'UNKNOWN_CUSTOMER' }],
  ])('%s', (_name, input, expected) => {
    expect(matchActivation({ ...base, ...input })).toEqual(expected);
  });
});

describe('parseActivationBody', () => {
  it('names fields and rules without echoing a value', () => {
    const result = parseActivationBody({ bid: 'x y', cid: null, apicode: '', 'external-id': 'nope-secret' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['apicode', 'bid', 'cid', 'external-id']);
    expect(JSON.stringify(result.errors)).not.toContain('nope-secret');
  });

  it('accepts the documented body, a numeric cid, and ignores (but reports) unknown keys', () => {
    const result = parseActivationBody({
      bid: '1234567-8',
      'external-id': 'A3029A45-2608-4C9C-A8CE-93FCBCB733A7',
      cid: 123456,
      apicode: 's',
      extra: 1,
    });
    expect(result).toEqual({
      ok: true,
      body: {
        bid: '1234567-8',
        'external-id': 'a3029a45-2608-4c9c-a8ce-93fcbcb733a7',
        cid: '123456',
        apicode: 's',
      },
      ignoredKeys: ['extra'],
    });
  });
});

describe('credential cipher', () => {
  const keys = parseCredentialKeys(`${newCredentialKeyEntry('new')},${newCredentialKeyEntry('old')}`);
  const context = credentialContext('2000007-0', '1');

  it('round-trips, never holds the plaintext, and refuses tampering or another record', () => {
    const sealed = sealSecret('the-apicode', keys[0]!, context);
    expect(JSON.stringify(sealed)).not.toContain('the-apicode');
    expect(sealed.kid).toBe('new');
    expect(openSecret(sealed, keys, context)).toBe('the-apicode');
    expect(() => openSecret(sealed, keys, credentialContext('2000007-0', '2'))).toThrow(/does not open/);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() => openSecret({ ...sealed, ciphertext: flipped.toString('base64') }, keys, context)).toThrow(
      /does not open/,
    );
    expect(() => openSecret({ ...sealed, kid: 'gone' }, keys, context)).toThrow(/gone/);
  });

  it.each([
    ['k1', /entry 1/],
    ['k1:c2hvcnQ=', /32 bytes, found 5/],
    [`k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32).toString('base64')}`, /appears twice/],
  ])('rejects CREDENTIALS_KEYS %#', (value, message) => {
    expect(() => parseCredentialKeys(value)).toThrow(message);
  });
});

describe('customerState', () => {
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
  it.each<[string, TimelineStep[], string]>([
    ['nothing', [], 'unknown'],
    ['enqueued only', [{ step: 'enqueued', at: at(0) }], 'received'],
    [
      'retrying',
      [
        { step: 'enqueued', at: at(0) },
        { step: 'attempt_failed', at: at(1) },
      ],
      'received',
    ],
    [
      'pending',
      [
        { step: 'enqueued', at: at(0) },
        { step: 'pending', at: at(1) },
      ],
      'pending',
    ],
    [
      'dead-lettered then replayed',
      [
        { step: 'dead_lettered', at: at(1) },
        { step: 'replayed', at: at(2) },
      ],
      'received',
    ],
    [
      'replayed then created',
      [
        { step: 'dead_lettered', at: at(1) },
        { step: 'replayed', at: at(2) },
        { step: 'created', at: at(3) },
      ],
      'created',
    ],
    [
      'activated stays activated',
      [
        { step: 'activated', at: at(1) },
        { step: 'enqueued', at: at(2) },
      ],
      'activated',
    ],
    [
      'erased',
      [
        { step: 'activated', at: at(1) },
        { step: 'erased', at: at(2) },
      ],
      'erased',
    ],
  ])('%s → %s', (_name, steps, state) => {
    expect(customerState(steps)).toBe(state);
  });
});
