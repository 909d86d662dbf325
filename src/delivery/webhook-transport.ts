import { Webhook } from 'standardwebhooks';
import type { OnboardingEvent } from '../contracts/events';
import { parseRetryAfter } from '../ropo/retry-policy';
import type { WebhookSinkConfig } from './sink-config';
import { SinkDeliveryError } from './sink-delivery-error';
import { describeError, firstBytes, type SinkTransport } from './sink-transport';

/** The CloudEvents HTTP binding's media type for structured mode. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

/** The headers of one signed request; `webhook-id` is the event id, so it is the same on every retry. */
export function signedHeaders(
  webhook: Webhook,
  event: OnboardingEvent,
  body: string,
  now: Date,
): Record<string, string> {
  return {
    'content-type': CLOUDEVENTS_JSON,
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': webhook.sign(event.id, now, body),
    'user-agent': 'ropo-onboarding-delivery',
  };
}

/**
 * POSTs the CloudEvent (structured mode) signed by the Standard Webhooks spec. A 2xx is delivered;
 * anything else, a timeout or a refused connection fails the attempt. Redirects are not followed:
 * a signed event goes only where the operator configured it.
 */
export function createWebhookTransport(
  sink: WebhookSinkConfig,
  options: { timeoutMs: number; now?: () => Date },
): SinkTransport {
  const webhook = new Webhook(sink.secret);
  const now = options.now ?? (() => new Date());
  return {
    async send(event) {
      const body = JSON.stringify(event);
      let response: Response;
      try {
        response = await fetch(sink.url, {
          method: 'POST',
          headers: signedHeaders(webhook, event, body, now()),
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw new SinkDeliveryError(describeError(error));
      }
      const answer = firstBytes(await response.text().catch(() => ''));
      if (response.status >= 200 && response.status < 300) return { status: response.status, answer };
      throw new SinkDeliveryError(
        `HTTP ${response.status}${answer ? `: ${answer}` : ''}`,
        response.status,
        parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now()),
      );
    },
    close: async () => undefined,
  };
}
