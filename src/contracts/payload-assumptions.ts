// Ropo One's documentation gives the createprofile body by example only: no lengths, no enums,
// no list of what a "complete" profile needs. Every such gap is filled here, in one place, so a
// correction from Ropo is a one-line change. Each constant says what we assumed and why.

/**
 * ASSUMPTION: maximum string lengths. Ropo publishes none; these are generous enough for real
 * Finnish data (the trade register allows long names) while stopping garbage early.
 */
export const MAX_LENGTH = {
  name: 200,
  personName: 100,
  streetAddress: 200,
  townOrCity: 100,
  postalCode: 10,
  email: 254, // RFC 5321 path limit
  url: 2048,
  bankAccountOwner: 200,
  invoicingMethod: 50,
  vatNumber: 16,
} as const;

/**
 * ASSUMPTION: languages Ropo One serves its customers in. The docs show "fin"; Ropo's service is
 * Finnish, Swedish and English, written as ISO 639-2/3 three-letter codes. Two-letter ISO 639-1
 * codes are accepted and normalised to the three-letter form Ropo uses.
 */
export const LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['fin', 'fin'],
  ['swe', 'swe'],
  ['eng', 'eng'],
  ['fi', 'fin'],
  ['sv', 'swe'],
  ['en', 'eng'],
]);

/** The three-letter language codes a normalised payload may contain. */
export const LANGUAGE_CODES = ['fin', 'swe', 'eng'] as const;

/**
 * ASSUMPTION: `reference_length` is the length of the Finnish national reference numbers Ropo
 * generates. The Finnish banking standard allows 4 to 20 digits including the check digit; the
 * docs example is 10.
 */
export const REFERENCE_LENGTH = { min: 4, max: 20 } as const;

/** ASSUMPTION: at most this many users are created with a profile (the docs show one admin). */
export const MAX_USERS = 50;

/**
 * ASSUMPTION: the country of a company or user that gives none is Finland, so Finnish rules
 * (postal code, VAT number) apply. Ropo One is a Finnish service and its docs example is Finnish.
 */
export const DEFAULT_COUNTRY = 'FI';

/**
 * ASSUMPTION: what makes a profile "complete" so that Ropo skips its onboarding wizard. Ropo
 * says only "every required field"; we take every field of the documented example except those
 * that are plainly optional (`www`, the partner's own `profile_uuid`) or conditional
 * (`vat_number` only when `liable_to_pay_vat` is 1), plus at least one user (the profile's first
 * admin) with every user field. Erring on the side of requiring more only matters when the
 * producer explicitly sends `allowIncompleteData: false`, where failing early with the full list
 * of gaps is what they asked for.
 */
export const COMPLETE_PROFILE_FIELDS = {
  customer_info: [
    'business_id',
    'name',
    'street_address',
    'postal_code',
    'town_or_city',
    'country',
    'language',
    'liable_to_pay_vat',
    'customer_company_type',
  ],
  customer_service_contact: ['telephone', 'email'],
  contact_person: ['name', 'telephone', 'email'],
  agreement_acceptor: ['email'],
  money_laundering_acceptor: ['email'],
  services: ['service_types'],
  settlement_settings: ['bank_account_type', 'bank_account_number', 'bank_account_owner', 'reference_length'],
  ropo_service_fees: ['invoicing_method', 'invoicing_email_address'],
} as const satisfies Record<string, readonly string[]>;

/** Every field each user needs in a complete profile (see {@link COMPLETE_PROFILE_FIELDS}). */
export const COMPLETE_USER_FIELDS = [
  'first_name',
  'last_name',
  'street_address',
  'postal_code',
  'town_or_city',
  'country',
  'nationality',
  'phone_number',
  'email',
  'language',
] as const;
