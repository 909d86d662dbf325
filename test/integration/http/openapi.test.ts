import { expressRoutes } from '../../support/express-routes';
import { startHttpHarness } from './support/http-harness';

type Json = Record<string, unknown>;

function refs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refs(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') into.push(inner);
      else refs(inner, into);
    }
  }
  return into;
}

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document of every intake and dead-letter route, all references resolved', async () => {
    const http = await startHttpHarness();
    try {
      const response = await http.request('/openapi.json', { auth: false });
      expect(response.status).toBe(200);
      const document = (await response.json()) as Json & {
        paths: Record<string, Json>;
        components: { schemas: Record<string, Json> };
      };
      expect(document.openapi).toBe('3.1.0');
      expect(
        Object.fromEntries(
          Object.entries(document.paths).map(([path, ops]) => [path, Object.keys(ops).sort()]),
        ),
      ).toEqual({
        '/healthz': ['get'],
        '/readyz': ['get'],
        '/metrics': ['get'],
        '/openapi.json': ['get'],
        '/v1/onboardings': ['post'],
        '/v1/onboardings/batch': ['post'],
        '/v1/events': ['post'],
        '/v1/onboardings/{id}': ['get'],
        '/v1/dead-letters': ['delete', 'get'],
        '/v1/dead-letters/replay': ['post'],
        '/v1/dead-letters/{id}': ['delete', 'get'],
        '/v1/dead-letters/{id}/replay': ['post'],
        '/v1/webhooks/signups': ['post'],
        '/v1/ropo/activations': ['post'],
        '/v1/customers/{businessId}': ['delete', 'get'],
        '/v1/customers/{businessId}/credentials': ['get'],
      });
      for (const ref of refs(document)) {
        const name = ref.replace('#/components/schemas/', '');
        expect({ ref, resolved: name in document.components.schemas }).toEqual({ ref, resolved: true });
      }
      const payload = document.components.schemas.OnboardingPayload as {
        properties: Json;
        required: string[];
      };
      expect(payload.required).toEqual(expect.arrayContaining(['customer_info', 'contact_person']));
      expect(Object.keys(payload.properties)).toEqual(
        expect.arrayContaining(['customer_info', 'settlement_settings', 'users']),
      );
      const error = document.components.schemas.Error as {
        properties: { error: { properties: { code: { enum: string[] } } } };
      };
      expect(error.properties.error.properties.code.enum).toEqual(
        expect.arrayContaining([
          'UNAUTHORIZED',
          'PAYLOAD_INVALID',
          'BODY_TOO_LARGE',
          'REDIS_UNAVAILABLE',
          'BACKLOG_FULL',
          'READ_ONLY',
        ]),
      );
      const intake = document.paths['/v1/onboardings']?.post as { responses: Record<string, unknown> };
      expect(Object.keys(intake.responses).sort()).toEqual([
        '200',
        '202',
        '400',
        '401',
        '413',
        '415',
        '422',
        '429',
        '503',
        '507',
      ]);
    } finally {
      await http.close();
    }
  });

  it('documents exactly the routes the app serves: both come from the route tables, so a new route cannot go undocumented', async () => {
    // Every optional router mounted (webhooks need secrets), so the walk sees all of them.
    const http = await startHttpHarness({
      env: { WEBHOOK_SECRETS: 'whsec_' + Buffer.from('a'.repeat(32)).toString('base64') },
    });
    try {
      const served = expressRoutes(http.app)
        // bull-board's own UI and API are its documentation's business, not this API's.
        .filter((route) => !route.path.startsWith('/admin/queues'))
        .map((route) => `${route.method.toUpperCase()} ${route.path}`);
      const response = await http.request('/openapi.json', { auth: false });
      const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
      const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(served.length).toBeGreaterThan(10);
      expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
    } finally {
      await http.close();
    }
  });
});
