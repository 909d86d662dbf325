import { validatePayload } from '../../../src/contracts/validate-payload';
import { example } from './fixtures';

function errorsOf(input: unknown) {
  const result = validatePayload(input);
  if (result.ok) throw new Error('expected the payload to be invalid');
  return result.errors;
}

describe('validatePayload', () => {
  it('accepts the complete example and says the wizard is skipped', () => {
    const result = validatePayload(example('customer'));
    expect(result).toMatchObject({ ok: true, complete: true, businessId: '1234567-1' });
  });

  it('accepts the two mandatory fields alone as a partial profile and asks Ropo to allow it', () => {
    const result = validatePayload(example('customer-minimal'));
    expect(result).toMatchObject({ ok: true, complete: false, businessId: '1234567-1' });
    if (result.ok) expect(result.payload.allowIncompleteData).toBe(true);
  });

  it("rejects Ropo's own doc example 1234567-8 saying the check digit should be 1", () => {
    expect(errorsOf(example('invalid-customer'))).toEqual([
      {
        path: 'customer_info.business_id',
        code: 'BUSINESS_ID_CHECK_DIGIT',
        message: expect.stringContaining('the check digit should be 1, found 8'),
      },
    ]);
  });

  it.each([
    ['customer_info', 'customer_info'],
    ['contact_person', 'contact_person'],
  ])('requires the %s section', (section, path) => {
    const body = example('customer-minimal');
    delete body[section];
    expect(errorsOf(body)).toEqual([expect.objectContaining({ path, code: 'REQUIRED' })]);
  });

  it('requires the two mandatory fields when their sections are present', () => {
    const errors = errorsOf({ customer_info: {}, contact_person: { name: 'X' } });
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['customer_info.business_id', 'REQUIRED'],
      ['contact_person.email', 'REQUIRED'],
    ]);
  });

  it('lists every missing field at once when allowIncompleteData is false', () => {
    const body = { ...example('customer-minimal'), allowIncompleteData: false };
    const errors = errorsOf(body);
    expect(errors.every((e) => e.code === 'REQUIRED')).toBe(true);
    expect(errors.map((e) => e.path)).toEqual([
      'customer_info.name',
      'customer_info.street_address',
      'customer_info.postal_code',
      'customer_info.town_or_city',
      'customer_info.country',
      'customer_info.language',
      'customer_info.liable_to_pay_vat',
      'customer_info.customer_company_type',
      'customer_service_contact.telephone',
      'customer_service_contact.email',
      'contact_person.name',
      'contact_person.telephone',
      'agreement_acceptor.email',
      'money_laundering_acceptor.email',
      'services.service_types',
      'settlement_settings.bank_account_type',
      'settlement_settings.bank_account_number',
      'settlement_settings.bank_account_owner',
      'settlement_settings.reference_length',
      'ropo_service_fees.invoicing_method',
      'ropo_service_fees.invoicing_email_address',
      'users',
    ]);
  });

  it('reports missing fields together with field errors in complete mode', () => {
    const body = example('customer');
    delete body.users[0].email;
    delete body.customer_info.vat_number;
    body.contact_person.email = 'not-an-address';
    body.services.service_types = [1.5];
    const errors = errorsOf(body);
    expect(errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['contact_person.email', 'EMAIL_INVALID'],
        ['services.service_types.0', 'NOT_INTEGER'],
        ['customer_info.vat_number', 'REQUIRED'],
        ['users.0.email', 'REQUIRED'],
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('says whether a payload with allowIncompleteData absent is complete', () => {
    const body = example('customer');
    delete body.allowIncompleteData;
    expect(validatePayload(body)).toMatchObject({ ok: true, complete: true });
    delete body.users;
    expect(validatePayload(body)).toMatchObject({ ok: true, complete: false });
  });

  it('rejects unknown keys with their path and suggests the near miss', () => {
    const body = example('customer');
    body.contact_person.emial = body.contact_person.email;
    body.users[0].phone = '+358401234567';
    body.extra = true;
    const errors = errorsOf(body);
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'contact_person.emial',
        code: 'UNKNOWN_KEY',
        message: expect.stringContaining('"email"'),
      }),
      expect.objectContaining({ path: 'users.0.phone', code: 'UNKNOWN_KEY' }),
      expect.objectContaining({ path: 'extra', code: 'UNKNOWN_KEY' }),
    ]);
  });

  it('rejects an unknown key even when its value is empty: a typo is reported, never dropped', () => {
    const body = example('customer');
    body.customer_info.vat_numbr = null;
    body.users[0].emails = [];
    body.extra = '  ';
    const errors = errorsOf(body);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['customer_info.vat_numbr', 'UNKNOWN_KEY'],
      ['users.0.emails', 'UNKNOWN_KEY'],
      ['extra', 'UNKNOWN_KEY'],
    ]);
  });

  it('trims, drops blank values and normalises codes, IBAN, phone, VAT and UUID', () => {
    const body = example('customer');
    body.customer_info.name = '  Esimerkki Oy \n';
    body.customer_info.country = 'fi';
    body.customer_info.language = 'FI';
    body.customer_info.vat_number = 'fi 1234 5671';
    body.customer_service_contact.www = ' www.example.com ';
    body.customer_service_contact.telephone = '+358 40 123 4567';
    body.settlement_settings.bank_account_number = 'fi21 1234 5600 0007 85';
    body.additional_information.profile_uuid = 'A3029A45-2608-4C9C-A8CE-93FCBCB733A7';
    body.users[0].nationality = 'fin';
    body.users[0].street_address = '   ';
    body.users[0].town_or_city = null;
    body.allowIncompleteData = true;
    const result = validatePayload(body);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const p = result.payload;
    expect(p.customer_info).toMatchObject({
      name: 'Esimerkki Oy',
      country: 'FI',
      language: 'fin',
      vat_number: 'FI12345671',
    });
    expect(p.customer_service_contact?.www).toBe('https://www.example.com');
    expect(p.customer_service_contact?.telephone).toBe('+358401234567');
    expect(p.settlement_settings?.bank_account_number).toBe('FI2112345600000785');
    expect(p.additional_information?.profile_uuid).toBe('a3029a45-2608-4c9c-a8ce-93fcbcb733a7');
    expect(p.users?.[0]).not.toHaveProperty('street_address');
    expect(p.users?.[0]).not.toHaveProperty('town_or_city');
    expect(p.users?.[0]?.nationality).toBe('FIN');
    expect(result.complete).toBe(false);
  });

  it('does not mutate its input', () => {
    const body = example('customer');
    body.customer_info.name = '  padded  ';
    const before = JSON.stringify(body);
    validatePayload(body);
    expect(JSON.stringify(body)).toBe(before);
  });

  it.each([
    ['a string', 'hello', 'expected an object, found a string of 5 characters'],
    ['null', null, 'expected an object, found null'],
    ['an array', [], 'expected an object, found an array of 0 items'],
    ['a number', 42, 'expected an object, found an integer'],
  ])('rejects %s as the body', (_name, input, message) => {
    expect(errorsOf(input)).toEqual([{ path: '', code: 'TYPE', message }]);
  });

  it('never throws on hostile input', () => {
    const hostile = Object.defineProperty({}, 'customer_info', {
      enumerable: true,
      get() {
        throw new Error('boom jane@example.com');
      },
    });
    const errors = errorsOf(hostile);
    expect(errors[0]?.code).toBe('INVALID');
    expect(JSON.stringify(errors)).not.toContain('jane@example.com');
    expect(() =>
      validatePayload(
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('x');
            },
          },
        ),
      ),
    ).not.toThrow();
  });

  it('treats a __proto__ key as an unknown key, not as a prototype', () => {
    const errors = errorsOf(
      JSON.parse(
        '{"__proto__": {"x": 1}, "customer_info": {"business_id": "1234567-1"}, "contact_person": {"email": "a@example.com"}}',
      ),
    );
    expect(errors).toEqual([expect.objectContaining({ path: '__proto__', code: 'UNKNOWN_KEY' })]);
  });
});
