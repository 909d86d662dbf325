import { COMPLETE_PROFILE_FIELDS, COMPLETE_USER_FIELDS } from './payload-assumptions';

type Loose = Record<string, unknown>;

// Flattened once: this runs on every payload sent with allowIncompleteData false.
const SECTION_FIELDS: ReadonlyArray<readonly [string, readonly string[]]> =
  Object.entries(COMPLETE_PROFILE_FIELDS);
const EMPTY: Loose = {};

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The dotted paths a complete profile still lacks (see {@link COMPLETE_PROFILE_FIELDS}); an empty
 * list means Ropo can skip its onboarding wizard. Tolerates any input shape: fields present with
 * a wrong type count as present (their own error reports them).
 */
export function missingForCompleteProfile(body: unknown): string[] {
  const root: Loose = isRecord(body) ? body : EMPTY;
  const missing: string[] = [];
  for (const [section, fields] of SECTION_FIELDS) {
    const value = root[section];
    if (value !== undefined && !isRecord(value)) continue; // a wrong type is reported by the schema
    const record: Loose = value === undefined ? EMPTY : value;
    for (const field of fields) if (record[field] === undefined) missing.push(`${section}.${field}`);
  }
  const info = root.customer_info;
  if (isRecord(info) && info.liable_to_pay_vat === 1 && info.vat_number === undefined) {
    missing.push('customer_info.vat_number');
  }
  const users = root.users;
  if (users === undefined || (Array.isArray(users) && users.length === 0)) {
    missing.push('users');
  } else if (Array.isArray(users)) {
    users.forEach((user, index) => {
      if (!isRecord(user)) return; // a wrong type is reported by the schema
      for (const field of COMPLETE_USER_FIELDS)
        if (user[field] === undefined) missing.push(`users.${index}.${field}`);
    });
  }
  return missing;
}
