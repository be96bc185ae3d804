/**
 * A service is a name and a list of routes, each an OpenAPI path template with a synchronous handler.
 * Templates are split once, when the server is created, and matched segment by segment against a
 * path split by hand: no framework and no per-request regular expressions on the benchmark's path.
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceName } from '../contract/services';
import type { Reply } from './replies';

export interface RequestContext {
  readonly method: string;
  /** Path parameters, decoded, in template order. */
  readonly params: readonly string[];
  /** Query parameters (the first value of a repeated one). */
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  /** The raw `x-user-id` header, unvalidated. */
  readonly userId: string | undefined;
  /** The raw request body ('' without one). */
  readonly body: string;
}

export interface Route {
  method: 'GET' | 'POST';
  /** OpenAPI path template, e.g. '/products/{id}'. */
  path: string;
  handle(ctx: RequestContext): Reply;
}

export interface ServiceDefinition {
  name: ServiceName;
  routes: readonly Route[];
}

export interface CompiledRoute {
  route: Route;
  /** 'GET /products/{id}', the name used in the request log. */
  id: string;
  /** Template segments; null marks a parameter. */
  segments: readonly (string | null)[];
}

export function compileRoute(route: Route): CompiledRoute {
  return {
    route,
    id: `${route.method} ${route.path}`,
    segments: route.path.split('/').map((s) => (s.startsWith('{') ? null : s)),
  };
}

export function matchRoute(routes: readonly CompiledRoute[], method: string, pathname: string): { compiled: CompiledRoute; params: string[] } | undefined {
  const parts = pathname.split('/');
  for (const compiled of routes) {
    if (compiled.route.method !== method || compiled.segments.length !== parts.length) continue;
    const params: string[] = [];
    let matched = true;
    for (let i = 0; i < parts.length; i++) {
      const want = compiled.segments[i];
      const got = parts[i] as string;
      if (want === null) {
        if (got === '') {
          matched = false;
          break;
        }
        try {
          params.push(decodeURIComponent(got));
        } catch {
          matched = false;
          break;
        }
      } else if (want !== got) {
        matched = false;
        break;
      }
    }
    if (matched) return { compiled, params };
  }
  return undefined;
}

export function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search === '') return query;
  for (const [key, value] of new URLSearchParams(search)) {
    if (!(key in query)) query[key] = value;
  }
  return query;
}
