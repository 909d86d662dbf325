import fs from 'node:fs';
import path from 'node:path';
import { businessIdCheckDigit, finnishVatNumber } from '../../src/contracts/finnish-business-id';

/** The complete example payload that README.md points newcomers at. */
export const examplePayload = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'customer.json'), 'utf8'),
) as Record<string, unknown> & {
  customer_info: Record<string, unknown> & { business_id: string };
  contact_person: Record<string, unknown> & { email: string };
};

/** The n-th valid Finnish business id of a deterministic series (ids whose check digit does not exist are skipped). */
export function businessIds(count: number, start = 2_000_000): string[] {
  const ids: string[] = [];
  for (let n = start; ids.length < count; n += 1) {
    const digits = String(n).padStart(7, '0');
    const check = businessIdCheckDigit(digits);
    if (check !== undefined) ids.push(`${digits}-${check}`);
  }
  return ids;
}

/** The example payload for another company: same data, this business id and a matching VAT number. */
export function completePayload(businessId: string): Record<string, unknown> {
  const payload = structuredClone(examplePayload);
  payload.customer_info = {
    ...payload.customer_info,
    business_id: businessId,
    vat_number: finnishVatNumber(businessId),
  };
  return payload;
}

/** The smallest accepted payload: business id and contact e-mail (Ropo One then e-mails a wizard link). */
export function minimalPayload(businessId: string, email = 'owner@example.com'): Record<string, unknown> {
  return { customer_info: { business_id: businessId }, contact_person: { email } };
}
