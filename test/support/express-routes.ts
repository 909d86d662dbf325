import type { Express } from 'express';
import { openApiPath } from '../../src/http/route-table';

/** One method and path an express app answers, in OpenAPI's `{param}` spelling. */
export interface ExpressRoute {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

function walk(stack: Layer[], mount: string, into: ExpressRoute[]): ExpressRoute[] {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') into.push({ method, path: openApiPath(mount + path) });
        }
      }
    } else if (layer.handle?.stack) {
      const at = layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, mount + at, into);
    }
  }
  return into;
}

/**
 * Every route of an express 5 app, read from its router stack (express has no public route list);
 * sub-routers are followed, so routes mounted by any router count.
 */
export function expressRoutes(app: Express): ExpressRoute[] {
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  return walk(router.stack, '', []);
}
