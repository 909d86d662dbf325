// Ropo documents no list of the fields that let it skip its onboarding wizard ("every required
// field"). The service assumes one (src/contracts/payload-assumptions.ts, COMPLETE_PROFILE_FIELDS)
// and the sandbox must play Ropo by that same assumption, or a test would pass against a Ropo
// that does not exist. The sandbox stands alone (it imports nothing of the service), so it keeps
// its own copy of the rule, written as the paths Ropo would look at; the unit test
// test/unit/sandbox/complete-profile-agreement.test.ts runs both rules over the same table of
// payloads (Ropo's documented example, each field removed in turn, …) and fails when they differ.

/** Every path a complete profile fills, besides the users (see {@link isCompleteProfile}). */
const REQUIRED_PATHS = [
  'customer_info.business_id',
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
  'contact_person.email',
  'agreement_acceptor.email',
  'money_laundering_acceptor.email',
  'services.service_types',
  'settlement_settings.bank_account_type',
  'settlement_settings.bank_account_number',
  'settlement_settings.bank_account_owner',
  'settlement_settings.reference_length',
  'ropo_service_fees.invoicing_method',
  'ropo_service_fees.invoicing_email_address',
].map((path) => path.split('.') as [string, string]);

/** What each user (the profile's admins) must carry. */
const USER_KEYS = [
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
];

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Ropo's (assumed) rule for "complete, wizard skipped", decided from the data alone: every path of
 * {@link REQUIRED_PATHS} present, `vat_number` too when `liable_to_pay_vat` is 1, and at least one
 * user with every user field. `allowIncompleteData` only permits a partial body; a complete one is
 * created whatever the flag says (Ropo's own documented example sends `true` with every section).
 * A section or user of the wrong type is not judged here, as the service's schema refuses it first.
 */
export function isCompleteProfile(body: Body): boolean {
  const present = ([section, key]: readonly [string, string]): boolean => {
    const value = body[section];
    return !isObject(value) ? value !== undefined : value[key] !== undefined;
  };
  if (!REQUIRED_PATHS.every(present)) return false;
  const info = body.customer_info;
  if (isObject(info) && info.liable_to_pay_vat === 1 && info.vat_number === undefined) return false;
  const users = body.users;
  if (!Array.isArray(users)) return users !== undefined;
  return (
    users.length > 0 &&
    users.every((user) => !isObject(user) || USER_KEYS.every((k) => user[k] !== undefined))
  );
}
