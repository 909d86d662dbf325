import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** Why a signed webhook was refused; the HTTP layer maps these to 401 codes. */
export type WebhookRefusal = 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED';

/** The outcome of {@link WebhookVerifier.verify}. */
export type WebhookVerdict = { ok: true; id: string } | { ok: false; code: WebhookRefusal; message: string };

/** Checks Standard Webhooks signatures against every configured secret. */
export interface WebhookVerifier {
  verify(body: Buffer, headers: Record<string, string | undefined>): WebhookVerdict;
}

const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Any one of `secrets` (`whsec_…`) may match, so a sender can rotate without a gap. The package
 * enforces its 5-minute timestamp tolerance both ways (stale and future).
 */
export function createWebhookVerifier(secrets: string[]): WebhookVerifier {
  const webhooks = secrets.map((secret) => new Webhook(secret));
  return {
    verify(body, headers) {
      const present: Record<string, string> = {};
      for (const name of HEADERS) {
        const value = headers[name];
        if (value === undefined || value === '') {
          return { ok: false, code: 'SIGNATURE_INVALID', message: `missing the ${name} header` };
        }
        present[name] = value;
      }
      let expired = false;
      for (const webhook of webhooks) {
        try {
          webhook.verify(body, present);
          return { ok: true, id: present['webhook-id'] as string };
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          if (/timestamp too (old|new)/.test(error.message)) expired = true;
        }
      }
      return expired
        ? { ok: false, code: 'SIGNATURE_EXPIRED', message: 'webhook-timestamp is more than 5 minutes off' }
        : { ok: false, code: 'SIGNATURE_INVALID', message: 'no configured secret matches webhook-signature' };
    },
  };
}
