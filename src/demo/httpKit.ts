/**
 * The small amount of node:http plumbing the six demo services share.
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
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServiceName } from '../contract/services';

// ---------------------------------------------------------------------------
// Public types (re-exported by index.ts)
// ---------------------------------------------------------------------------

/** Fault injection, per service. */
export interface DemoKnobs {
  /** Every non-control response is delayed by this many milliseconds. */
  latencyMs: number;
  /** Probability (0..1) of a 503 `{"error":"UNAVAILABLE",...}` instead of the real answer. */
  failureRate: number;
  /** Probability (0..1) of a 200 whose body is not valid JSON. */
  malformedRate: number;
}

/** One logged request. `route` is the OpenAPI template, e.g. 'GET /products/{id}'. */
export interface DemoRequest {
  service: ServiceName;
  method: string;
  route: string;
  query: Record<string, string>;
  /** The raw `x-user-id` header, when one was sent. */
  userId?: string;
  /** When it arrived (performance.now() of the services' process), to see which calls ran together. */
  at: number;
}

export const DEFAULT_KNOBS: Readonly<DemoKnobs> = Object.freeze({ latencyMs: 0, failureRate: 0, malformedRate: 0 });

/** The broken body sent by the `malformedRate` knob. */
export const MALFORMED_BODY = '{"items":[{"id":';

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

/** What a handler returns: sent as JSON with these headers. */
export interface Reply {
  status: number;
  /** JSON text (or, for 204, empty). */
  body: string;
  cacheControl: string;
  headers?: Record<string, string>;
}

/** Cache-Control values, per the contract's resources. */
export const CACHE = {
  products: 'max-age=60',
  categories: 'max-age=300',
  stock: 'max-age=5',
  ratings: 'max-age=30',
  reviews: 'max-age=30',
  users: 'max-age=300',
  recommendations: 'max-age=120',
  /** Orders: personal and changing. */
  private: 'private, no-store',
  /** Errors, writes, control routes. */
  none: 'no-store',
} as const;

export function ok(body: string, cacheControl: string, status = 200): Reply {
  return { status, body, cacheControl };
}

export function errorReply(
  status: number,
  error: string,
  message: string,
  extra?: { field?: string; sku?: string; available?: number },
  cacheControl: string = CACHE.none,
): Reply {
  return { status, body: JSON.stringify({ error, message, ...extra }), cacheControl };
}

export const invalidInput = (message: string, field?: string): Reply =>
  errorReply(400, 'INVALID_INPUT', message, field === undefined ? undefined : { field });

export const notFound = (message: string): Reply => errorReply(404, 'NOT_FOUND', message);

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && 'cacheControl' in value;
}

const jsonCache = new WeakMap<object, string>();

/**
 * JSON text of an entity that never changes (the seed freezes them), computed
 * once per object. Mutable objects (stock, ratings) must not go through here.
 */
export function cachedJson(entity: object): string {
  let text = jsonCache.get(entity);
  if (text === undefined) {
    text = JSON.stringify(entity);
    jsonCache.set(entity, text);
  }
  return text;
}

// ---------------------------------------------------------------------------
// Query parameters: batches, pagination
// ---------------------------------------------------------------------------

export const MAX_BATCH = 100;

/**
 * A comma-separated batch parameter: trimmed, blanks and duplicates dropped,
 * at most 100 entries. Missing → `undefined` when optional, else a 400.
 */
export function parseBatch(query: Record<string, string>, name: string, required: boolean): string[] | Reply | undefined {
  const raw = query[name];
  if (raw === undefined) return required ? invalidInput(`query parameter ${name} is required`, name) : undefined;
  const out: string[] = [];
  let count = 0;
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    if (++count > MAX_BATCH) return invalidInput(`${name} takes at most ${MAX_BATCH} entries`, name);
    if (!out.includes(entry)) out.push(entry);
  }
  return out;
}

/** `limit`: an integer in 1..max, default `fallback`. */
export function parseLimit(query: Record<string, string>, max = 100, fallback = 20): number | Reply {
  const raw = query.limit;
  if (raw === undefined) return fallback;
  const n = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) return invalidInput(`limit must be an integer from 1 to ${max}`, 'limit');
  return n;
}

/** Cursors are opaque to clients; here they are base64url("o:" + offset). */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'latin1').toString('base64url');
}

/** The offset a `cursor` parameter points at (0 without one), or a 400. */
export function parseCursor(query: Record<string, string>): number | Reply {
  const raw = query.cursor;
  if (raw === undefined || raw === '') return 0;
  if (/^[A-Za-z0-9_-]{1,24}$/.test(raw)) {
    const match = /^o:([0-9]{1,9})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
    if (match && encodeCursor(Number(match[1])) === raw) return Number(match[1]);
  }
  return invalidInput('cursor is not valid', 'cursor');
}

/** `{"items":[…],"nextCursor":…}` for `limit` items of `list` from `offset`. */
export function pageBody<T>(list: readonly T[], offset: number, limit: number, toJson: (item: T) => string): string {
  const end = Math.min(offset + limit, list.length);
  let body = '{"items":[';
  for (let i = offset; i < end; i++) {
    if (i > offset) body += ',';
    body += toJson(list[i] as T);
  }
  return `${body}],"nextCursor":${end < list.length ? `"${encodeCursor(end)}"` : 'null'}}`;
}

/** Pagination in one call: parses `limit` and `cursor`, then renders the page. */
export function paginate<T>(
  query: Record<string, string>,
  list: readonly T[],
  toJson: (item: T) => string,
  cacheControl: string,
): Reply {
  const limit = parseLimit(query);
  if (typeof limit !== 'number') return limit;
  const offset = parseCursor(query);
  if (typeof offset !== 'number') return offset;
  return ok(pageBody(list, offset, limit, toJson), cacheControl);
}

/** `{"items":[…]}` of already-serialized items. */
/** A batch read's body: each key's entity as JSON, unknown keys left out, as the contract says. */
export function batchBody<T extends object>(
  keys: readonly string[],
  find: (key: string) => T | undefined,
  json: (entity: T) => string,
  withNextCursor = false,
): string {
  const items: string[] = [];
  for (const key of keys) {
    const entity = find(key);
    if (entity) items.push(json(entity));
  }
  return itemsBody(items, withNextCursor);
}

export function itemsBody(jsonItems: readonly string[], withNextCursor = false): string {
  return `{"items":[${jsonItems.join(',')}]${withNextCursor ? ',"nextCursor":null' : ''}}`;
}

// ---------------------------------------------------------------------------
// Writes: JSON bodies, the caller, idempotency keys
// ---------------------------------------------------------------------------

const USER_HEADER_PATTERN = /^u-[0-9]{4,8}$/;

/** The caller's user id from `x-user-id`, or a 401. */
export function requireUser(ctx: RequestContext): string | Reply {
  const userId = ctx.userId;
  if (userId === undefined || !USER_HEADER_PATTERN.test(userId)) {
    return errorReply(401, 'UNAUTHORIZED', 'a valid x-user-id header is required');
  }
  return userId;
}

/** The parsed JSON body, or a 400 when it is missing or not valid JSON. */
export function parseJsonBody(ctx: RequestContext): { value: unknown } | Reply {
  if (ctx.body.trim() === '') return invalidInput('a JSON request body is required');
  try {
    return { value: JSON.parse(ctx.body) as unknown };
  } catch {
    return invalidInput('the request body is not valid JSON');
  }
}

export const MAX_IDEMPOTENCY_KEY = 128;
const DAY_MS = 86_400_000;

/**
 * Remembers the reply to each (user, idempotency key) for 24 hours, so a
 * retried write returns the first result instead of acting twice. Any reply
 * the handler produced is remembered, errors included (like Stripe); knob
 * failures never reach the handler, so a retry after a 503 does act.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { at: number; reply: Reply }>();

  constructor(
    private readonly ttlMs = DAY_MS,
    private readonly maxEntries = 200_000,
  ) {}

  run(ctx: RequestContext, userId: string, act: () => Reply): Reply {
    const raw = ctx.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined || key === '') return act();
    if (key.length > MAX_IDEMPOTENCY_KEY) {
      return invalidInput(`idempotency-key must be at most ${MAX_IDEMPOTENCY_KEY} characters`, 'idempotency-key');
    }
    const now = Date.now();
    this.prune(now);
    const id = `${userId}\u0000${key}`;
    const seen = this.entries.get(id);
    if (seen) return { ...seen.reply, headers: { ...seen.reply.headers, 'idempotent-replayed': 'true' } };
    const reply = act();
    if (reply.status < 500) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(id, { at: now, reply });
    }
    return reply;
  }

  private prune(now: number): void {
    // Insertion order is time order, so expired entries are at the front.
    for (const [id, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break;
      this.entries.delete(id);
    }
  }
}

// ---------------------------------------------------------------------------
// Services and routes
// ---------------------------------------------------------------------------

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

interface CompiledRoute {
  route: Route;
  /** 'GET /products/{id}', the name used in the request log. */
  id: string;
  /** Template segments; null marks a parameter. */
  segments: readonly (string | null)[];
}

function compile(route: Route): CompiledRoute {
  return {
    route,
    id: `${route.method} ${route.path}`,
    segments: route.path.split('/').map((s) => (s.startsWith('{') ? null : s)),
  };
}

function matchRoute(routes: readonly CompiledRoute[], method: string, pathname: string): { compiled: CompiledRoute; params: string[] } | undefined {
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

function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search === '') return query;
  for (const [key, value] of new URLSearchParams(search)) {
    if (!(key in query)) query[key] = value;
  }
  return query;
}

// ---------------------------------------------------------------------------
// The hub: knobs, request log and pending timers shared by a set of services
// ---------------------------------------------------------------------------

/** The request log keeps about this many of the most recent requests. */
export const REQUEST_LOG_LIMIT = 100_000;

export function validateKnobs(input: unknown): Partial<DemoKnobs> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'knobs must be a JSON object';
  const out: Partial<DemoKnobs> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key !== 'latencyMs' && key !== 'failureRate' && key !== 'malformedRate') return `unknown knob ${key}`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `${key} must be a number ≥ 0`;
    if (key !== 'latencyMs' && value > 1) return `${key} must be a probability from 0 to 1`;
    if (key === 'latencyMs' && value > 600_000) return 'latencyMs must be at most 600000';
    out[key] = value;
  }
  return out;
}

export class DemoHub {
  private readonly knobs = new Map<ServiceName, DemoKnobs>();
  private log: DemoRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  knobsOf(service: ServiceName): DemoKnobs {
    return this.knobs.get(service) ?? { ...DEFAULT_KNOBS };
  }

  /** Patches the knobs of one service, or of every registered one. Throws on invalid values. */
  setKnobs(patch: Partial<DemoKnobs>, services: readonly ServiceName[]): void {
    const checked = validateKnobs(patch);
    if (typeof checked === 'string') throw new RangeError(checked);
    for (const service of services) this.knobs.set(service, { ...this.knobsOf(service), ...checked });
  }

  record(entry: DemoRequest): void {
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT * 1.1) this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);
  }

  requests(service?: ServiceName): DemoRequest[] {
    return service === undefined ? this.log.slice() : this.log.filter((r) => r.service === service);
  }

  resetRequests(service?: ServiceName): void {
    this.log = service === undefined ? [] : this.log.filter((r) => r.service !== service);
  }

  /** setTimeout that `close()` can cancel, so no delayed reply outlives the services. */
  delay(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

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
  const routes = definition.routes.map(compile);

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
    const entry: DemoRequest = { service, method, route: match ? match.compiled.id : `${method} ${pathname}`, query, at: performance.now() };
    if (userId !== undefined) entry.userId = userId;
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
