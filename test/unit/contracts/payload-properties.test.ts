import fc from 'fast-check';
import { validatePayload } from '../../../src/contracts/validate-payload';
import { completePayloadArb } from '../../support/payload-arbitraries';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- breakers poke at arbitrary fields
type Body = Record<string, any>;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Ways to break one field, each with the path its error must carry. */
const breakers: { path: string; apply: (body: Body) => void }[] = [
  {
    path: 'customer_info.business_id',
    apply: (b) => {
      const id: string = b.customer_info.business_id;
      b.customer_info.business_id = `${id.slice(0, 8)}${(Number(id[8]) + 1) % 10}`;
    },
  },
  {
    path: 'customer_info.business_id',
    apply: (b) => (b.customer_info.business_id = b.customer_info.business_id.replace('-', '')),
  },
  { path: 'customer_info.vat_number', apply: (b) => (b.customer_info.vat_number = 'FI00000000') },
  { path: 'customer_info.postal_code', apply: (b) => (b.customer_info.postal_code = '0010') },
  { path: 'customer_info.country', apply: (b) => (b.customer_info.country = 'XX') },
  { path: 'customer_info.liable_to_pay_vat', apply: (b) => (b.customer_info.liable_to_pay_vat = 2) },
  { path: 'customer_info.name', apply: (b) => (b.customer_info.name = 42) },
  { path: 'customer_info.naem', apply: (b) => (b.customer_info.naem = 'typo') },
  {
    path: 'contact_person.email',
    apply: (b) => (b.contact_person.email = b.contact_person.email.replace('@', '')),
  },
  { path: 'contact_person.email', apply: (b) => delete b.contact_person.email },
  {
    path: 'contact_person.telephone',
    apply: (b) => (b.contact_person.telephone = b.contact_person.telephone.slice(1)),
  },
  {
    path: 'customer_service_contact.www',
    apply: (b) => (b.customer_service_contact.www = 'ftp://example.com'),
  },
  {
    path: 'settlement_settings.bank_account_number',
    apply: (b) => {
      const iban: string = b.settlement_settings.bank_account_number;
      const last = iban.length - 1;
      b.settlement_settings.bank_account_number = iban.slice(0, last) + ((Number(iban[last]) + 1) % 10);
    },
  },
  {
    path: 'settlement_settings.reference_length',
    apply: (b) => (b.settlement_settings.reference_length = 21),
  },
  { path: 'services.service_types.0', apply: (b) => (b.services.service_types[0] = 'one') },
  {
    path: 'additional_information.profile_uuid',
    apply: (b) => (b.additional_information.profile_uuid = 'nope'),
  },
  { path: 'users.0.nationality', apply: (b) => (b.users[0].nationality = 'FI') },
  { path: 'users.0.language', apply: (b) => (b.users[0].language = 'klingon') },
  { path: 'users.0.email', apply: (b) => (b.users[0].email = 'a@b') },
  { path: 'users.0.phone_number', apply: (b) => (b.users[0].phone_number = '+999123') },
  { path: 'users.0', apply: (b) => (b.users[0] = 'user') },
  { path: 'ropo_service_fees', apply: (b) => (b.ropo_service_fees = 'fees') },
  { path: 'extra', apply: (b) => (b.extra = 1) },
];

describe('validatePayload properties', () => {
  it('accepts every generated valid payload as complete, normalised and idempotent', () => {
    fc.assert(
      fc.property(completePayloadArb, (body) => {
        const result = validatePayload(body);
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect(result.complete).toBe(true);
        expect(result.businessId).toBe(body.customer_info.business_id);
        // Validating the normalised payload again changes nothing.
        const again = validatePayload(result.payload);
        expect(again.ok && again.payload).toEqual(result.payload);
      }),
      { numRuns: 200 },
    );
  });

  it('fails a valid payload with one broken field with exactly that path', () => {
    fc.assert(
      fc.property(completePayloadArb, fc.nat({ max: breakers.length - 1 }), (body, which) => {
        const breaker = breakers[which]!;
        const broken = clone(body) as Body;
        breaker.apply(broken);
        const result = validatePayload(broken);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.map((e) => e.path)).toEqual(result.errors.map(() => breaker.path));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      // Depth 3 reaches every level of the body (root, section, users[i], field) and keeps generation fast.
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const result = validatePayload(value);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 7000 },
    );
  });

  it('never throws on arbitrary JavaScript values either', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
        }),
        (value) => {
          expect(() => validatePayload(value)).not.toThrow();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws when valid payloads get random values at random places', () => {
    const sections = ['customer_info', 'contact_person', 'settlement_settings', 'users', 'services'] as const;
    fc.assert(
      fc.property(
        completePayloadArb,
        fc.constantFrom(...sections),
        fc.string(),
        fc.jsonValue(),
        (body, section, key, value) => {
          const b = clone(body) as Body;
          const target = Array.isArray(b[section]) ? b[section][0] : b[section];
          target[key] = value;
          const result = validatePayload(b);
          expect(typeof result.ok).toBe('boolean');
          if (!result.ok) for (const e of result.errors) expect(typeof e.path).toBe('string');
        },
      ),
      { numRuns: 400 },
    );
  });
});
