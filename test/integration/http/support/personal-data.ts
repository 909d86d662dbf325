import { completePayload } from '../../../support/payloads';

/** Distinctive personal values: none of them may ever appear in an HTTP answer (but a dead letter's) or a log line. */
export const PERSONAL = {
  email: 'zyxw.private.person@leak-check.example',
  phone: '+358457778899',
  iban: 'FI7379799900012345',
  name: 'Quintessa Leakcheckinen',
};

/** A complete, valid payload for `businessId` carrying the distinctive personal values. */
export function personalPayload(businessId: string): Record<string, unknown> {
  const payload = completePayload(businessId) as Record<string, Record<string, unknown>> & {
    users: Record<string, unknown>[];
  };
  payload.contact_person = { name: PERSONAL.name, telephone: PERSONAL.phone, email: PERSONAL.email };
  payload.agreement_acceptor = { email: PERSONAL.email };
  payload.settlement_settings = { ...payload.settlement_settings, bank_account_number: PERSONAL.iban };
  payload.users = [{ ...payload.users[0], email: PERSONAL.email, phone_number: PERSONAL.phone }];
  return payload;
}

/** The same payload with each personal value broken so that validation must talk about it. */
export function brokenPersonalPayload(businessId: string): Record<string, unknown> {
  const payload = personalPayload(businessId) as Record<string, Record<string, unknown>>;
  payload.contact_person = { ...payload.contact_person, email: PERSONAL.email.replace('@', '@@') };
  payload.customer_service_contact = {
    ...payload.customer_service_contact,
    telephone: `${PERSONAL.phone}99999`,
  };
  payload.settlement_settings = {
    ...payload.settlement_settings,
    bank_account_number: `${PERSONAL.iban.slice(0, -1)}6`,
  };
  return payload;
}

/** Fails the test naming the value and where it leaked. */
export function expectNoPersonalData(text: string, where: string): void {
  const lower = text.toLowerCase();
  for (const [kind, value] of Object.entries(PERSONAL)) {
    const needles = [value, value.replace('@', '@@'), value.slice(0, -1), value.split('@')[0] as string];
    for (const needle of needles) {
      if (lower.includes(needle.toLowerCase())) {
        throw new Error(`${where} holds the personal ${kind} (${needle.length} chars)`);
      }
    }
  }
}
