// One route table a router module: the routers are mounted from it and the OpenAPI paths are
// built from it (bull-board's routes.ts is the model), so a route cannot be served undocumented.
import type { RequestHandler, Router } from 'express';
import type { RouteParameters } from 'express-serve-static-core';
import { requireScope, TOKEN_SCOPES, type TokenScope } from './auth';
import type { JsonObject } from './openapi-parts';

/**
 * Who may call a route: a Bearer token of a scope (checked by {@link mountRoutes}), nobody in
 * particular (`public`), or a route that authenticates the caller itself (a Standard Webhooks
 * signature, Ropo One's activation key) in its first handlers.
 */
export type RouteScope = TokenScope | 'public' | 'webhook-signature' | 'activation-key';

/** The OpenAPI operation of a route, less its `security` (which follows from the scope). */
export interface RouteOperation {
  summary: string;
  parameters?: readonly JsonObject[];
  requestBody?: JsonObject;
  responses: Record<string, JsonObject>;
}

/** One route: method, express path, scope and its documentation. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  path: string;
  scope: RouteScope;
  operation: RouteOperation;
}

/** A router module's routes, by name. */
export type RouteTable = Readonly<Record<string, RouteSpec>>;

/**
 * The handlers of every route of a table, by the same names; `null` where this app does not serve
 * a route it documents (the webhook route without WEBHOOK_SECRETS, /readyz on the metrics port).
 */
export type RouteHandlers<T extends RouteTable> = {
  [K in keyof T]: RequestHandler<RouteParameters<T[K]['path']>>[] | null;
};

/** A route table as written, its paths kept literal so that handlers see typed `req.params`. */
export const defineRoutes = <const T extends RouteTable>(table: T): T => table;

const isTokenScope = (scope: RouteScope): scope is TokenScope =>
  (TOKEN_SCOPES as readonly string[]).includes(scope);

/** Mounts each route of the table on the router, behind its scope's check when it takes a Bearer token. */
export function mountRoutes<T extends RouteTable>(
  router: Router,
  table: T,
  handlers: RouteHandlers<T>,
): Router {
  for (const [name, route] of Object.entries(table)) {
    const chain = handlers[name] as RequestHandler[] | null;
    if (chain === null) continue;
    const scoped = isTokenScope(route.scope) ? [requireScope(route.scope), ...chain] : chain;
    router[route.method](route.path, ...scoped);
  }
  return router;
}

/** An express path in OpenAPI's spelling: `/v1/dead-letters/:id` → `/v1/dead-letters/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

// Bearer routes use the document's default security; the others name theirs (none, for public).
const SECURITY: Partial<Record<RouteScope, JsonObject[]>> = {
  public: [],
  'webhook-signature': [{ standardWebhooks: [] }],
  'activation-key': [{ activationKey: [] }],
};

/** The OpenAPI `paths` of these tables. */
export function openApiPaths(tables: readonly RouteTable[]): Record<string, Record<string, JsonObject>> {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of tables.flatMap((table) => Object.values(table))) {
    const security = SECURITY[route.scope];
    const { summary, ...rest } = route.operation;
    const operations = (paths[openApiPath(route.path)] ??= {});
    if (operations[route.method]) throw new Error(`${route.method} ${route.path} is in two route tables`);
    operations[route.method] = { summary, ...(security ? { security } : {}), ...rest };
  }
  return paths;
}
