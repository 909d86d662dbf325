import { validatePayload } from '../../../src/contracts/validate-payload';
import { example } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations poke at arbitrary fields
type Body = Record<string, any>;

function outcome(mutate: (body: Body) => void) {
  const body = example('customer');
  mutate(body);
  const result = validatePayload(body);
  return result.ok ? [] : result.errors.map((e) => [e.path, e.code]);
}

describe('payload rules, one broken field at a time', () => {
  it.each<[string, (b: Body) => void, [string, string][]]>([
    [
      'VAT of another company',
      (b) => (b.customer_info.vat_number = 'FI01120389'),
      [['customer_info.vat_number', 'VAT_MISMATCH']],
    ],
    [
      'VAT without prefix',
      (b) => (b.customer_info.vat_number = '12345671'),
      [['customer_info.vat_number', 'VAT_FORMAT']],
    ],
    [
      'foreign company VAT is not compared with the business id',
      (b) => {
        b.customer_info.country = 'SE';
        b.customer_info.vat_number = 'SE556703748501';
        b.customer_info.postal_code = '114 55';
      },
      [],
    ],
    [
      'absent country means Finland for the VAT rule',
      (b) => {
        delete b.customer_info.country;
        b.customer_info.vat_number = 'FI01120389';
      },
      [
        ['customer_info.vat_number', 'VAT_MISMATCH'],
        ['customer_info.country', 'REQUIRED'],
      ],
    ],
    [
      'Finnish postal code',
      (b) => (b.customer_info.postal_code = '0010'),
      [['customer_info.postal_code', 'POSTAL_CODE_INVALID']],
    ],
    ['postal code abroad', (b) => ((b.users[0].country = 'GB'), (b.users[0].postal_code = 'SW1A 1AA')), []],
    [
      'user postal code in Finland',
      (b) => (b.users[0].postal_code = 'SW1A'),
      [['users.0.postal_code', 'POSTAL_CODE_INVALID']],
    ],
    ['country', (b) => (b.customer_info.country = 'Finland'), [['customer_info.country', 'COUNTRY_INVALID']]],
    ['nationality', (b) => (b.users[0].nationality = 'FI'), [['users.0.nationality', 'NATIONALITY_INVALID']]],
    ['language', (b) => (b.users[0].language = 'deu'), [['users.0.language', 'LANGUAGE_INVALID']]],
    [
      'liable_to_pay_vat',
      (b) => (b.customer_info.liable_to_pay_vat = 2),
      [['customer_info.liable_to_pay_vat', 'VALUE_INVALID']],
    ],
    [
      'liable_to_pay_vat as boolean',
      (b) => (b.customer_info.liable_to_pay_vat = true),
      [['customer_info.liable_to_pay_vat', 'VALUE_INVALID']],
    ],
    [
      'company type as string',
      (b) => (b.customer_info.customer_company_type = '1'),
      [['customer_info.customer_company_type', 'TYPE']],
    ],
    [
      'negative account type',
      (b) => (b.settlement_settings.bank_account_type = -1),
      [['settlement_settings.bank_account_type', 'OUT_OF_RANGE']],
    ],
    [
      'reference length 3',
      (b) => (b.settlement_settings.reference_length = 3),
      [['settlement_settings.reference_length', 'OUT_OF_RANGE']],
    ],
    [
      'reference length 21',
      (b) => (b.settlement_settings.reference_length = 21),
      [['settlement_settings.reference_length', 'OUT_OF_RANGE']],
    ],
    [
      'reference length 10.5',
      (b) => (b.settlement_settings.reference_length = 10.5),
      [['settlement_settings.reference_length', 'NOT_INTEGER']],
    ],
    [
      'service types not an array',
      (b) => (b.services.service_types = 1),
      [['services.service_types', 'TYPE']],
    ],
    [
      'duplicate service type',
      (b) => (b.services.service_types = [1, 2, 1]),
      [['services.service_types', 'DUPLICATE']],
    ],
    [
      'IBAN',
      (b) => (b.settlement_settings.bank_account_number = 'FI2112345600000786'),
      [['settlement_settings.bank_account_number', 'IBAN_INVALID']],
    ],
    [
      'invoicing method as number',
      (b) => (b.ropo_service_fees.invoicing_method = 1),
      [['ropo_service_fees.invoicing_method', 'TYPE']],
    ],
    [
      'invoicing e-mail',
      (b) => (b.ropo_service_fees.invoicing_email_address = 'x'),
      [['ropo_service_fees.invoicing_email_address', 'EMAIL_INVALID']],
    ],
    [
      'profile uuid',
      (b) => (b.additional_information.profile_uuid = '123'),
      [['additional_information.profile_uuid', 'UUID_INVALID']],
    ],
    [
      'www',
      (b) => (b.customer_service_contact.www = 'ftp://example.com'),
      [['customer_service_contact.www', 'URL_INVALID']],
    ],
    [
      'phone',
      (b) => (b.contact_person.telephone = '040 123 4567'),
      [['contact_person.telephone', 'PHONE_INVALID']],
    ],
    ['name too long', (b) => (b.customer_info.name = 'x'.repeat(201)), [['customer_info.name', 'TOO_LONG']]],
    ['section as array', (b) => (b.services = [1]), [['services', 'TYPE']]],
    ['users as object', (b) => (b.users = { first_name: 'x' }), [['users', 'TYPE']]],
    ['user as string', (b) => (b.users = ['x']), [['users.0', 'TYPE']]],
    [
      'allowIncompleteData as string',
      (b) => (b.allowIncompleteData = 'false'),
      [['allowIncompleteData', 'TYPE']],
    ],
    [
      'too many users',
      (b) => (b.users = Array.from({ length: 51 }, () => b.users[0])),
      [['users', 'TOO_LONG']],
    ],
    [
      'business id format',
      (b) => (b.customer_info.business_id = '12345671'),
      [['customer_info.business_id', 'BUSINESS_ID_FORMAT']],
    ],
    [
      'business id as number',
      (b) => (b.customer_info.business_id = 1234567),
      [['customer_info.business_id', 'TYPE']],
    ],
  ])('%s', (_name, mutate, expected) => {
    expect(outcome(mutate)).toEqual(expected);
  });

  it('explains what was expected and what was found', () => {
    const body = example('customer');
    body.customer_info.customer_company_type = 'one';
    body.customer_info.name = 'x'.repeat(201);
    body.settlement_settings.reference_length = 25;
    body.services.service_types = [1.5];
    const result = validatePayload(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual([
      'expected at most 200 characters, found a string of 201 characters',
      'expected a number, found a string of 3 characters',
      'expected an integer, found a number with a fraction',
      'expected an integer from 4 to 20, found a larger one',
    ]);
  });
});
