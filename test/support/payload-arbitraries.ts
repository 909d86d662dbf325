import fc from 'fast-check';
import { composeIBAN } from 'ibantools';
import { businessIdCheckDigit } from '../../src/contracts/finnish-business-id';
import type { OnboardingPayloadInput } from '../../src/contracts/payload-schema';

/** A Finnish business id with a valid check digit. */
export const businessIdArb = fc
  .stringMatching(/^\d{7}$/)
  .filter((digits) => businessIdCheckDigit(digits) !== undefined)
  .map((digits) => `${digits}-${businessIdCheckDigit(digits)}`);

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);

/** A plausible e-mail address under example.com/.fi/.org. */
export const emailArb = fc
  .tuple(word, fc.option(word, { nil: undefined }), word, fc.constantFrom('com', 'fi', 'org'))
  .map(([local, tag, host, tld]) => `${local}${tag ? `.${tag}` : ''}@${host}.example.${tld}`);

/** A valid Finnish mobile or Helsinki landline number in E.164. */
export const phoneArb = fc
  .tuple(fc.constantFrom('+35840', '+35850', '+3589'), fc.stringMatching(/^\d{7}$/))
  .map(([prefix, rest]) => prefix + rest);

/** A Finnish IBAN with correct mod-97 check digits. */
export const ibanArb = fc.stringMatching(/^\d{14}$/).map((bban) => composeIBAN({ countryCode: 'FI', bban })!);

/** Printable text that is not blank, with letters Finnish names use. */
export const textArb = (max: number) =>
  fc
    .stringMatching(/^[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9 .,&'-]*$/)
    .filter((s) => s.trim().length > 0 && s.trim().length <= max);

const postalCodeArb = fc.stringMatching(/^\d{5}$/);
const languageArb = fc.constantFrom('fin', 'swe', 'eng');

const userArb = fc.record({
  first_name: textArb(100),
  last_name: textArb(100),
  street_address: textArb(200),
  postal_code: postalCodeArb,
  town_or_city: textArb(100),
  country: fc.constant('FI'),
  nationality: fc.constantFrom('FIN', 'SWE', 'EST', 'DEU'),
  phone_number: phoneArb,
  email: emailArb,
  language: languageArb,
});

/** A complete, valid createprofile body (every field a complete profile needs, and the optional ones). */
export const completePayloadArb: fc.Arbitrary<OnboardingPayloadInput> = fc
  .record({
    businessId: businessIdArb,
    liable: fc.constantFrom<0 | 1>(0, 1),
    company: textArb(200),
    users: fc.array(userArb, { minLength: 1, maxLength: 3 }),
    serviceTypes: fc.uniqueArray(fc.nat({ max: 20 }), { minLength: 1, maxLength: 5 }),
    profileUuid: fc.uuid(),
    allow: fc.constantFrom<boolean | undefined>(true, false, undefined),
    contact: fc.record({ name: textArb(200), telephone: phoneArb, email: emailArb }),
    service: fc.record({ telephone: phoneArb, email: emailArb, www: fc.constant('https://www.example.com') }),
    iban: ibanArb,
    owner: textArb(200),
    referenceLength: fc.integer({ min: 4, max: 20 }),
    accountType: fc.nat({ max: 5 }),
    companyType: fc.nat({ max: 10 }),
    street: textArb(200),
    postalCode: postalCodeArb,
    town: textArb(100),
    language: languageArb,
    acceptor: emailArb,
    invoicingEmail: emailArb,
  })
  .map((v) => ({
    ...(v.allow === undefined ? {} : { allowIncompleteData: v.allow }),
    customer_info: {
      business_id: v.businessId,
      name: v.company,
      street_address: v.street,
      postal_code: v.postalCode,
      town_or_city: v.town,
      country: 'FI',
      language: v.language,
      liable_to_pay_vat: v.liable,
      vat_number: `FI${v.businessId.replace('-', '')}`,
      customer_company_type: v.companyType,
    },
    customer_service_contact: v.service,
    contact_person: v.contact,
    agreement_acceptor: { email: v.acceptor },
    money_laundering_acceptor: { email: v.acceptor },
    services: { service_types: v.serviceTypes },
    settlement_settings: {
      bank_account_type: v.accountType,
      bank_account_number: v.iban,
      bank_account_owner: v.owner,
      reference_length: v.referenceLength,
    },
    ropo_service_fees: { invoicing_method: '1', invoicing_email_address: v.invoicingEmail },
    additional_information: { profile_uuid: v.profileUuid },
    users: v.users,
  }));
