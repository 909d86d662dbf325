'use strict';
// An INTAKE_MAPPER module for a made-up CRM ("Acme CRM") whose webhook and export emit an
// "account signed up" record in its own shape (see account-signed-up.json beside this file).
//
//   INTAKE_MAPPER=./examples/crm-mapper/crm-mapper.js npx onboarding bridge amqp
//
// The service calls the exported function with each decoded message before reading it. It may
// return a createprofile body, our envelope {payload, eventId, source}, or a CloudEvent whose
// data is one of those. Anything that is not the CRM's shape is passed through unchanged, so the
// service's own forms keep working next to it. The function must be pure and must not log: the
// record holds personal data. Throwing refuses the record (the error text is never passed on).

/** Acme CRM's country names to ISO 3166 alpha-2, and its language names to Ropo's ISO 639-2 codes. */
const COUNTRIES = { Finland: 'FI', Sweden: 'SE', Estonia: 'EE' };
const LANGUAGES = { finnish: 'fin', swedish: 'swe', english: 'eng' };

function isCrmSignup(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.eventType === 'account.signed_up' &&
    typeof value.account === 'object' &&
    value.account !== null
  );
}

/** Drops the keys whose value is undefined: the payload schema rejects nothing it does not see. */
function compact(object) {
  const out = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One CRM "account signed up" record as a createprofile body. */
function toPayload(account) {
  const address = account.billingAddress || {};
  const contact = account.primaryContact || {};
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || undefined;
  return compact({
    // Missing fields are collected by Ropo One's wizard; the CRM often knows only the basics.
    allowIncompleteData: true,
    customer_info: compact({
      business_id: account.registryCode,
      name: account.legalName,
      street_address: address.street,
      postal_code: address.zip,
      town_or_city: address.city,
      country: COUNTRIES[address.country] || address.country,
      language: LANGUAGES[String(account.preferredLanguage || '').toLowerCase()],
      vat_number: account.vatId || undefined,
    }),
    contact_person: compact({ name, telephone: contact.mobile, email: contact.email }),
    customer_service_contact: compact({ email: account.supportEmail, www: account.website }),
  });
}

/**
 * The mapper. The CRM's own `eventId` becomes the event id (so the CRM re-sending a record makes
 * no second job); inside a CloudEvent the CloudEvent's source + id stay the id.
 */
module.exports = function mapCrmSignup(event) {
  if (isCrmSignup(event)) {
    return { payload: toPayload(event.account), eventId: event.eventId, source: 'acme-crm' };
  }
  if (typeof event === 'object' && event !== null && event.specversion && isCrmSignup(event.data)) {
    return { ...event, data: { payload: toPayload(event.data.account), source: 'acme-crm' } };
  }
  return event;
};
