/**
 * The node:http server of one demo service: the request pipeline every service shares.
 *
 * Why not a framework: each service has two or three routes, and the
 * benchmark pushes thousands of requests per second through them, so the
 * request path is kept short and allocation-light: the URL is split by hand,
 * route templates are pre-split, handlers are synchronous functions that
 * return a ready-to-send `Reply` (status, JSON text, Cache-Control), and
 * entities that never change have their JSON text cached per object.
 *
 * Every request goes through the same steps, in this order:
 *   1. `/healthz` and the `/__demo/*` control routes are answered at once:
 *      never delayed, failed or logged, so a test or benchmark can always
 *      steer the services.
 *   2. The request is appended to the request log (even if a knob then fails
 *      it, so tests can count the gateway's attempts).
 *   3. A request body is read (POST/PUT/PATCH).
 *   4. The knobs apply: wait `latencyMs`, then with probability `failureRate`
 *      answer 503 UNAVAILABLE, else with probability `malformedRate` answer 200
 *      with a truncated, invalid JSON body. A failed or malformed request does
 *      not reach the handler, so it never changes any data.
 *   5. The route's handler builds the reply (unknown route: 404).
 *
 * What handlers build replies with lives beside this file: `routes.ts` (templates, matching),
 * `replies.ts`, `listReads.ts` (batches, pagination), `writes.ts` (caller, body, idempotency);
 * the knobs and the request log are in `hub.ts`.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServiceName } from '../contract/services';
import { validateKnobs, type DemoHub, type DemoRequest } from './hub';
import { CACHE, errorReply, invalidInput, notFound, ok, type Reply } from './replies';
import { compileRoute, matchRoute, parseQuery, type ServiceDefinition } from './routes';

/** The broken body sent by the `malformedRate` knob. */
export const MALFORMED_BODY = '{"items":[{"id":';

const MAX_BODY_BYTES = 1_048_576;
const HEALTH: Reply = ok('{"status":"ok"}', CACHE.none);
const UNAVAILABLE: Reply = errorReply(503, 'UNAVAILABLE', 'injected failure (demo knob failureRate)');
const MALFORMED: Reply = ok(MALFORMED_BODY, CACHE.none);

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
    'cache-control': reply.cacheControl,
  };
  if (reply.headers) Object.assign(headers, reply.headers);
  if (reply.status === 204) delete headers['content-length'];
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : reply.body);
}

function readBody(req: IncomingMessage, done: (body: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => done(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
  req.on('error', () => done(undefined));
}

const firstHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function createServiceServer(definition: ServiceDefinition, hub: DemoHub, allServices: readonly ServiceName[]): Server {
  const service = definition.name;
  const routes = definition.routes.map(compileRoute);

  const control = (req: IncomingMessage, res: ServerResponse, pathname: string, query: Record<string, string>): void => {
    const scopeAll = query.scope === 'all';
    const method = req.method ?? 'GET';
    if (pathname === '/__demo/knobs' && method === 'GET') {
      send(res, ok(JSON.stringify(hub.knobsOf(service)), CACHE.none));
    } else if (pathname === '/__demo/knobs' && method === 'PUT') {
      readBody(req, (body) => {
        let patch: unknown;
        try {
          patch = JSON.parse(body ?? '');
        } catch {
          return send(res, invalidInput('the request body is not valid JSON'));
        }
        const checked = validateKnobs(patch);
        if (typeof checked === 'string') return send(res, invalidInput(checked));
        hub.setKnobs(checked, scopeAll ? allServices : [service]);
        send(res, ok(JSON.stringify(hub.knobsOf(service)), CACHE.none));
      });
    } else if (pathname === '/__demo/requests' && method === 'GET') {
      const list = hub.requests(scopeAll ? undefined : service);
      if (query.summary === 'true') {
        const byRoute: Record<string, number> = {};
        for (const r of list) {
          const key = `${r.service} ${r.route}`;
          byRoute[key] = (byRoute[key] ?? 0) + 1;
        }
        send(res, ok(JSON.stringify({ total: list.length, byRoute }), CACHE.none));
      } else {
        send(res, ok(JSON.stringify({ items: list }), CACHE.none));
      }
    } else if (pathname === '/__demo/requests' && method === 'DELETE') {
      hub.resetRequests(scopeAll ? undefined : service);
      send(res, { status: 204, body: '', cacheControl: CACHE.none });
    } else {
      send(res, notFound(`no control route ${method} ${pathname}`));
    }
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const pathname = mark === -1 ? url : url.slice(0, mark);
    const query = parseQuery(mark === -1 ? '' : url.slice(mark + 1));
    if (pathname === '/healthz') return send(res, HEALTH);
    if (pathname.startsWith('/__demo/')) return control(req, res, pathname, query);

    const method = req.method ?? 'GET';
    const match = matchRoute(routes, method, pathname);
    const userId = firstHeader(req.headers['x-user-id']);
    const entry: DemoRequest = { service, method, route: match ? match.compiled.id : `${method} ${pathname}`, target: url, query, at: performance.now() };
    if (userId !== undefined) entry.userId = userId;
    const traceparent = firstHeader(req.headers.traceparent);
    if (traceparent !== undefined) entry.traceparent = traceparent;
    const tracestate = firstHeader(req.headers.tracestate);
    if (tracestate !== undefined) entry.tracestate = tracestate;
    hub.record(entry);

    const respond = (body: string): void => {
      const knobs = hub.knobsOf(service);
      if (knobs.failureRate > 0 && Math.random() < knobs.failureRate) return send(res, UNAVAILABLE);
      if (knobs.malformedRate > 0 && Math.random() < knobs.malformedRate) return send(res, MALFORMED);
      if (!match) return send(res, notFound(`no route ${method} ${pathname}`));
      let reply: Reply;
      try {
        reply = match.compiled.route.handle({ method, params: match.params, query, headers: req.headers, userId, body });
      } catch (error) {
        reply = errorReply(500, 'INTERNAL', error instanceof Error ? error.message : 'internal error');
      }
      send(res, reply);
    };
    const proceed = (body: string | undefined): void => {
      if (body === undefined) return send(res, errorReply(413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${MAX_BODY_BYTES} bytes`));
      const latency = hub.knobsOf(service).latencyMs;
      if (latency > 0) hub.delay(latency, () => respond(body));
      else respond(body);
    };

    if (method === 'GET' || method === 'HEAD' || method === 'DELETE') proceed('');
    else readBody(req, proceed);
  });
  // Keep-alive longer than typical client pools (undici: 4 s, Node agents: 5 s)
  // so that the server never closes a socket a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
