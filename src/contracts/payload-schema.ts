import { z } from 'zod';
import { checkEmail } from './email-address';
import { checkBusinessId, EXAMPLE_BUSINESS_ID } from './finnish-business-id';
import { checkIban, normaliseIban } from './iban';
import {
  checkCountry,
  checkLanguage,
  checkNationality,
  normaliseCountryCode,
  normaliseLanguage,
} from './iso-codes';
import { missingForCompleteProfile } from './complete-profile';
import { addFailure, code, integer, pushFailure, ruledText, text } from './field-schemas';
import {
  DEFAULT_COUNTRY,
  LANGUAGE_CODES,
  MAX_LENGTH,
  MAX_USERS,
  REFERENCE_LENGTH,
} from './payload-assumptions';
import { checkPhone, normalisePhone } from './phone-number';
import { checkPostalCode } from './postal-code';
import { checkUuid, normaliseUuid } from './uuid';
import { checkFinnishVatMatches, checkVatFormat, normaliseVatNumber } from './vat-number';
import { checkWebAddress, normaliseWebAddress } from './web-address';

// Every section is a strict object: an unknown key (a typo such as `emial`) is an error with its
// path, never silently dropped. Strings are trimmed before any rule sees them. Cross-field rules
// run with `when: always` so they are reported together with field errors, not after a retry.

const always = (): boolean => true;

// Coded fields get a loose length limit so that their own rule, which says what a valid code
// looks like, explains the problem instead of a bare "too long".
const CODE_MAX = 64;

const email = () =>
  ruledText(MAX_LENGTH.email, checkEmail).meta({ format: 'email', examples: ['name@example.com'] });

const phone = () =>
  ruledText(32, checkPhone, normalisePhone).meta({
    description: 'E.164 phone number; spaces, hyphens, dots and parentheses are removed first',
    pattern: '^\\+[1-9]\\d{6,14}$',
    examples: ['+358401234567'],
  });

const country = () =>
  ruledText(CODE_MAX, checkCountry, normaliseCountryCode).meta({
    description: 'ISO 3166-1 alpha-2 country code (case-insensitive); absent means FI',
    pattern: '^[A-Za-z]{2}$',
    examples: ['FI'],
  });

const language = () =>
  ruledText(CODE_MAX, checkLanguage, normaliseLanguage).meta({
    description: `Ropo's ISO 639-2 language code: ${LANGUAGE_CODES.join(', ')} (fi, sv, en are accepted and normalised)`,
    examples: ['fin'],
  });

const postalCode = () =>
  text(MAX_LENGTH.postalCode).meta({
    description: 'Postal code; 5 digits when the country is FI (or absent)',
  });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The country an address is in: its own valid `country`, Finland when absent, `undefined` when invalid. */
function countryOf(address: Record<string, unknown>): string | undefined {
  const given = address.country;
  if (given === undefined) return DEFAULT_COUNTRY;
  return typeof given === 'string' && checkCountry(given) === undefined ? given : undefined;
}

/** Checks `postal_code` against the address's country (cross-field, hence on the object). */
function checkAddressPostalCode(address: unknown, ctx: z.RefinementCtx<unknown>): void {
  if (!isRecord(address) || typeof address.postal_code !== 'string' || address.postal_code === '') return;
  const inCountry = countryOf(address);
  if (inCountry === undefined) return; // the country's own error comes first
  addFailure(ctx, checkPostalCode(address.postal_code, inCountry), ['postal_code']);
}

const customerInfoSchema = z
  .strictObject({
    business_id: ruledText(CODE_MAX, checkBusinessId).meta({
      description: 'Finnish business id (Y-tunnus) NNNNNNN-C with a valid check digit',
      pattern: '^\\d{7}-\\d$',
      examples: [EXAMPLE_BUSINESS_ID],
    }),
    name: text(MAX_LENGTH.name).optional(),
    street_address: text(MAX_LENGTH.streetAddress).optional(),
    postal_code: postalCode().optional(),
    town_or_city: text(MAX_LENGTH.townOrCity).optional(),
    country: country().optional(),
    language: language().optional(),
    liable_to_pay_vat: z
      .literal([0, 1])
      .optional()
      .meta({ description: '1 when the company is liable to pay VAT' }),
    vat_number: ruledText(MAX_LENGTH.vatNumber, checkVatFormat, normaliseVatNumber)
      .meta({
        description: 'VAT number; for a Finnish company FI + the 8 digits of the business id',
        examples: ['FI01120389'],
      })
      .optional(),
    customer_company_type: code().optional(),
  })
  .superRefine(
    (info, ctx) => {
      checkAddressPostalCode(info, ctx);
      if (!isRecord(info) || typeof info.vat_number !== 'string' || typeof info.business_id !== 'string')
        return;
      if (countryOf(info) !== 'FI' || checkVatFormat(info.vat_number) !== undefined) return;
      addFailure(ctx, checkFinnishVatMatches(info.vat_number, info.business_id), ['vat_number']);
    },
    { when: always },
  );

const customerServiceContactSchema = z.strictObject({
  telephone: phone().optional(),
  email: email().optional(),
  www: ruledText(MAX_LENGTH.url, checkWebAddress, normaliseWebAddress)
    .meta({ description: 'Web address; a bare host name gets https://', examples: ['https://example.com'] })
    .optional(),
});

const contactPersonSchema = z.strictObject({
  name: text(MAX_LENGTH.name).optional(),
  telephone: phone().optional(),
  email: email(),
});

const acceptorSchema = z.strictObject({ email: email().optional() });

const servicesSchema = z.strictObject({
  service_types: z
    .array(code())
    .min(1)
    .check((payload) => {
      const types = payload.value;
      const duplicate = types.find((type, index) => types.indexOf(type) !== index);
      if (duplicate !== undefined) {
        pushFailure(
          payload,
          'DUPLICATE',
          `expected each service type once, found ${duplicate} more than once`,
        );
      }
    })
    .meta({ uniqueItems: true })
    .optional(),
});

const settlementSettingsSchema = z.strictObject({
  bank_account_type: code().optional(),
  bank_account_number: ruledText(42, checkIban, normaliseIban)
    .meta({
      description: 'IBAN (spaces removed, upper-cased), checked with mod-97',
      examples: ['FI2112345600000785'],
    })
    .optional(),
  bank_account_owner: text(MAX_LENGTH.bankAccountOwner).optional(),
  reference_length: integer(REFERENCE_LENGTH.min, REFERENCE_LENGTH.max)
    .meta({ description: 'Length of generated Finnish reference numbers, check digit included' })
    .optional(),
});

const ropoServiceFeesSchema = z.strictObject({
  invoicing_method: text(MAX_LENGTH.invoicingMethod)
    .meta({ description: "Ropo's invoicing method code, a string", examples: ['1'] })
    .optional(),
  invoicing_email_address: email().optional(),
});

const additionalInformationSchema = z.strictObject({
  profile_uuid: ruledText(CODE_MAX, checkUuid, normaliseUuid)
    .meta({ description: 'Partner id for the profile, echoed back by Ropo as external-id', format: 'uuid' })
    .optional(),
});

const userSchema = z
  .strictObject({
    first_name: text(MAX_LENGTH.personName).optional(),
    last_name: text(MAX_LENGTH.personName).optional(),
    street_address: text(MAX_LENGTH.streetAddress).optional(),
    postal_code: postalCode().optional(),
    town_or_city: text(MAX_LENGTH.townOrCity).optional(),
    country: country().optional(),
    nationality: ruledText(CODE_MAX, checkNationality, normaliseCountryCode)
      .meta({ description: 'ISO 3166-1 alpha-3 country code', examples: ['FIN'] })
      .optional(),
    phone_number: phone().optional(),
    email: email().optional(),
    language: language().optional(),
  })
  .superRefine(checkAddressPostalCode, { when: always });

/**
 * The body of Ropo One's `POST /rest/profile/createprofile`, with Finnish validation. Only
 * `customer_info.business_id` and `contact_person.email` are mandatory; with
 * `allowIncompleteData: false` every field of a complete profile is required too. An absent
 * `allowIncompleteData` becomes `true`, because that is how Ropo accepts a partial profile.
 */
export const createProfileSchema = z
  .strictObject({
    allowIncompleteData: z
      .boolean()
      .default(true)
      .meta({ description: 'false requires a complete profile (wizard skipped); default true' }),
    customer_info: customerInfoSchema,
    customer_service_contact: customerServiceContactSchema.optional(),
    contact_person: contactPersonSchema,
    agreement_acceptor: acceptorSchema.optional(),
    money_laundering_acceptor: acceptorSchema.optional(),
    services: servicesSchema.optional(),
    settlement_settings: settlementSettingsSchema.optional(),
    ropo_service_fees: ropoServiceFeesSchema.optional(),
    additional_information: additionalInformationSchema.optional(),
    users: z.array(userSchema).min(1).max(MAX_USERS).optional(),
  })
  .superRefine(
    (body, ctx) => {
      if (!isRecord(body) || body.allowIncompleteData !== false) return;
      for (const path of missingForCompleteProfile(body)) {
        const message =
          path === 'users'
            ? 'required because allowIncompleteData is false: expected at least one user (the first admin), found none'
            : 'required because allowIncompleteData is false, found nothing';
        const at = path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
        addFailure(ctx, { code: 'REQUIRED', message }, at);
      }
    },
    { when: always },
  );

/** A validated, trimmed and normalised createprofile body, ready to POST to Ropo One. */
export type OnboardingPayload = z.output<typeof createProfileSchema>;

/** What producers may send (before defaults and normalisation). */
export type OnboardingPayloadInput = z.input<typeof createProfileSchema>;
