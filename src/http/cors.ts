/**
 * Cross-origin access to the GraphQL endpoints: an allow-list of exact
 * origins per frontend (`CORS_ORIGINS_WEB`, `CORS_ORIGINS_MOBILE`).
 *
 * Why per frontend: the web shop's origins have no business calling the
 * mobile schema, and the other way round. Why exact origins and no wildcard:
 * the endpoints read bearer tokens, and a pattern that admits one origin too
 * many hands the shop's API to that origin's scripts. Same-origin requests
 * carry no CORS headers and are not affected; with no list, no origin gets
 * cross-origin access.
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed
 *   origin gets 204 with the methods (GET, POST), the request headers the clients use and a
 *   max-age. From any other origin: 403 with no CORS header at all (the browser then refuses the
 *   request; the body says why, for whoever reads it with curl).
 * - Any other request from an allowed origin gets `Access-Control-Allow-Origin` echoing it (never
 *   `*`), and `Access-Control-Expose-Headers` for the response headers a client may read
 *   (`x-request-id`, `retry-after`). Credentials (cookies) are not allowed: clients send tokens.
 * - Whenever a frontend has a list, its responses carry `Vary: Origin`, since they differ by it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import { ErrorCode, quote } from '../errors/catalogue';
import { appendVary, writeError } from './responses';

export interface CorsOptions {
  /** Exact origins (`https://shop.example.com`, as browsers send them) per frontend; empty = none. */
  origins: Record<Frontend, readonly string[]>;
  /** `Access-Control-Max-Age` of a preflight answer, in seconds. Default 600. */
  maxAgeS?: number;
}

export interface Cors {
  /**
   * Adds the CORS headers of this request's response; answers it when it is a preflight.
   * Returns true when the request has been answered.
   */
  handle(frontend: Frontend, req: IncomingMessage, res: ServerResponse): boolean;
  /** Whether the frontend's list has this exact origin (WebSocket upgrades check it: src/subscriptions/upgrade.ts). */
  allows(frontend: Frontend, origin: string): boolean;
}

export const CORS_ALLOWED_METHODS = 'GET, POST';
/** The request headers the web and mobile clients send (with content-type, the non-simple ones). */
export const CORS_ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id, traceparent, tracestate';
export const CORS_EXPOSED_HEADERS = 'x-request-id, retry-after';

export function createCors(options: CorsOptions): Cors {
  const maxAge = String(options.maxAgeS ?? 600);
  const allowed = {} as Record<Frontend, ReadonlySet<string>>;
  for (const [frontend, origins] of Object.entries(options.origins) as [Frontend, readonly string[]][]) allowed[frontend] = new Set(origins);

  return {
    allows: (frontend, origin) => allowed[frontend].has(origin),
    handle(frontend, req, res) {
      const list = allowed[frontend];
      const origin = req.headers.origin;
      const ok = origin !== undefined && list.has(origin);
      if (list.size > 0) appendVary(res, 'Origin');
      if (ok) res.setHeader('access-control-allow-origin', origin);
      const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
      if (!preflight) {
        if (ok) res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS);
        return false;
      }
      if (!ok) {
        const message = `Cross-origin requests to /graphql/${frontend} are allowed only from the origins configured for the ${frontend} frontend; received origin ${quote(origin)}.`;
        writeError(res, 403, message, ErrorCode.BAD_REQUEST, req.headers.accept);
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-methods': CORS_ALLOWED_METHODS,
        'access-control-allow-headers': CORS_ALLOWED_HEADERS,
        'access-control-max-age': maxAge,
        'content-length': 0,
      });
      res.end();
      return true;
    },
  };
}
