import express from 'express';
import { defineRoutes, mountRoutes, openApiPath, openApiPaths } from '../../../src/http/route-table';
import { expressRoutes } from '../../support/express-routes';

const routes = defineRoutes({
  show: {
    method: 'get',
    path: '/v1/things/:id',
    scope: 'operator',
    operation: { summary: 'One thing', responses: { '200': { description: 'The thing' } } },
  },
  probe: {
    method: 'get',
    path: '/probe',
    scope: 'public',
    operation: { summary: 'Alive', responses: { '200': { description: 'ok' } } },
  },
  hook: {
    method: 'post',
    path: '/v1/things/:id/hooks/:hookId',
    scope: 'webhook-signature',
    operation: { summary: 'A signed hook', responses: { '202': { description: 'Stored' } } },
  },
});

describe('route tables', () => {
  it("spell express's :params as OpenAPI's {params}", () => {
    expect(openApiPath('/v1/things/:id/hooks/:hookId')).toBe('/v1/things/{id}/hooks/{hookId}');
    expect(openApiPath('/healthz')).toBe('/healthz');
  });

  it('build the OpenAPI paths, with the security each scope implies (Bearer scopes: the default)', () => {
    expect(openApiPaths([routes])).toEqual({
      '/v1/things/{id}': {
        get: { summary: 'One thing', responses: { '200': { description: 'The thing' } } },
      },
      '/probe': { get: { summary: 'Alive', security: [], responses: { '200': { description: 'ok' } } } },
      '/v1/things/{id}/hooks/{hookId}': {
        post: {
          summary: 'A signed hook',
          security: [{ standardWebhooks: [] }],
          responses: { '202': { description: 'Stored' } },
        },
      },
    });
  });

  it('refuse one method and path in two tables', () => {
    expect(() => openApiPaths([routes, { again: routes.probe }])).toThrow(
      /get \/probe is in two route tables/,
    );
  });

  it('mount every route given handlers, and none given null', () => {
    const app = express();
    const ok: express.RequestHandler = (_req, res) => void res.end();
    app.use(mountRoutes(express.Router(), routes, { show: [ok], probe: [ok], hook: null }));
    expect(expressRoutes(app).map((route) => `${route.method} ${route.path}`)).toEqual([
      'get /v1/things/{id}',
      'get /probe',
    ]);
  });
});
