import fc from 'fast-check';
import { validatePayload } from '../../../src/contracts/validate-payload';
import { example } from './fixtures';

// Distinctive values that would be unmistakable if an error message echoed them.
const EMAIL = 'zebulon.quartermain@example.com';
const BAD_EMAIL = 'zebulon.quartermain.example.com';
const PHONE = '+358409876543';
const BAD_PHONE = '0409876543';
const IBAN = 'FI2112345600000786';
const NAME = 'Zebulon Quartermain';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations poke at arbitrary fields
type Body = Record<string, any>;

function serialisedErrors(body: unknown): string {
  const result = validatePayload(body);
  expect(result.ok).toBe(false);
  return result.ok ? '' : JSON.stringify(result.errors);
}

describe('error messages never contain the personal value given', () => {
  it.each<[string, (b: Body) => void, string[]]>([
    [
      'a malformed e-mail',
      (b) => (b.contact_person.email = BAD_EMAIL),
      [BAD_EMAIL, 'zebulon', 'quartermain'],
    ],
    ['an e-mail where a phone belongs', (b) => (b.contact_person.telephone = EMAIL), [EMAIL, 'zebulon']],
    ['a national-format phone', (b) => (b.users[0].phone_number = BAD_PHONE), [BAD_PHONE, '9876543']],
    [
      'a phone given as a number',
      (b) => (b.users[0].phone_number = 358409876543),
      ['358409876543', '9876543'],
    ],
    [
      'an IBAN with a wrong check',
      (b) => (b.settlement_settings.bank_account_number = IBAN),
      [IBAN, '12345600000786'],
    ],
    ['an IBAN where an e-mail belongs', (b) => (b.users[0].email = IBAN), [IBAN, '12345600000786']],
    ['a too-long name', (b) => (b.contact_person.name = NAME.repeat(12)), ['Zebulon', 'Quartermain']],
    ['a name where an integer belongs', (b) => (b.settlement_settings.reference_length = NAME), ['Zebulon']],
    ['a name where a country belongs', (b) => (b.users[0].nationality = NAME), ['Zebulon']],
    ['a phone where a postal code belongs', (b) => (b.users[0].postal_code = PHONE), [PHONE, '9876543']],
    [
      'an e-mail where a UUID belongs',
      (b) => (b.additional_information.profile_uuid = EMAIL),
      [EMAIL, 'zebulon'],
    ],
    [
      'an e-mail where a web address belongs',
      (b) => (b.customer_service_contact.www = `mailto:${EMAIL}`),
      ['zebulon'],
    ],
    ['a phone where a business id belongs', (b) => (b.customer_info.business_id = PHONE), [PHONE, '9876543']],
    ['a name as the whole body of a user', (b) => (b.users[0] = NAME), ['Zebulon']],
    ['an e-mail where a boolean belongs', (b) => (b.allowIncompleteData = EMAIL), [EMAIL, 'zebulon']],
    ['an e-mail as a service type', (b) => (b.services.service_types = [EMAIL]), [EMAIL, 'zebulon']],
    [
      'an e-mail as liable_to_pay_vat',
      (b) => (b.customer_info.liable_to_pay_vat = EMAIL),
      [EMAIL, 'zebulon'],
    ],
  ])('%s', (_name, mutate, forbidden) => {
    const body = example('customer');
    mutate(body);
    const text = serialisedErrors(body);
    for (const value of forbidden) expect(text).not.toContain(value);
  });

  it('holds for random strings in every string field', () => {
    const fields: [string, string][] = [
      ['contact_person', 'email'],
      ['contact_person', 'telephone'],
      ['contact_person', 'name'],
      ['customer_service_contact', 'email'],
      ['customer_service_contact', 'www'],
      ['settlement_settings', 'bank_account_number'],
      ['settlement_settings', 'bank_account_owner'],
      ['customer_info', 'postal_code'],
      ['customer_info', 'country'],
      ['customer_info', 'language'],
      ['additional_information', 'profile_uuid'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        // Long enough to be recognisable, and marked so that no message text could contain it by accident.
        fc.stringMatching(/^[A-Za-z0-9@+.]{6,30}$/).map((s) => `Q${s}Q`),
        ([section, field], secret) => {
          const body = example('customer');
          body[section][field] = secret.repeat(field === 'bank_account_owner' || field === 'name' ? 20 : 1);
          const result = validatePayload(body);
          if (!result.ok) expect(JSON.stringify(result.errors)).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});
