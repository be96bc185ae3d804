/**
 * One frontend's GraphQL endpoint: Apollo Server driven straight from
 * `node:http`, with no web framework in between.
 *
 * Why no framework: the gateway's HTTP surface is small (two GraphQL paths,
 * health, metrics, the playground), and Apollo's `executeHTTPGraphQLRequest`
 * already implements GraphQL over HTTP. What this file adds is what the
 * integration leaves to us: answering methods other than GET/POST with 405,
 * reading the body (bounded), turning malformed JSON into a clear 400, building
 * the request context (identity, locale, fresh loaders), masking internals in
 * production, and the request's log line. Errors written here use the media
 * type the client's Accept prefers, as Apollo does for results.
 *
 * Both endpoints pass every MUST of the graphql-http audit
 * (test/graphqlHttpAudit.test.ts lists the SHOULD/MAY left failing, and why).
 */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { documentCachePolicy } from '../cache/cachePolicy';
import { compiledExecutor } from './compiledExecutor';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import type { CacheSession } from '../cache/cacheSession';
import type { EntityCache } from '../cache/entityCache';
import type { TieredKeyValueStore } from '../cache/keyValueStore';
import { responseCachePlugin } from '../cache/responseCache';
import type { Authenticate } from '../context/auth';
import type { RequestContext, RequestTrace } from '../context/requestContext';
import { localeFromAcceptLanguage } from '../domain/locale';
import { createLoaders } from '../domain/loaders';
import type { Downstream } from '../downstream';
import { ErrorCode } from '../errors/catalogue';
import type { Logger } from '../logging/logger';
import type { Metrics } from './metrics';

export interface GraphQLEndpointOptions {
  frontend: Frontend;
  schema: GraphQLSchema;
  downstream: Downstream;
  authenticate: Authenticate;
  logger: Logger;
  metrics: Metrics;
  production: boolean;
  introspection: boolean;
  maxBodyBytes: number;
  maxPageSize: number;
  cache: EntityCache;
  /** Persisted queries (APQ), shared by every instance through Redis. */
  persistedQueries: TieredKeyValueStore;
  /** Whole responses; null when the response cache is off. */
  responses: TieredKeyValueStore | null;
}

export interface GraphQLEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The methods GraphQL over HTTP uses; anything else is answered 405 with this as `Allow`. */
const ALLOWED_METHODS = 'GET, POST';

/** Codes a client may see as they are; anything else is masked in production. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Records the resolved operation's name for the log line; when the response
 * is ready, sends the request's buffered cache writes (not awaited) and
 * reports the cache's work in `extensions`: stale-if-error always (the client
 * is being shown old data), the hit counts only outside production.
 */
function requestPlugin(production: boolean): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName, document, schema }) {
          contextValue.trace.operationName = operationName ?? null;
          contextValue.trace.cachePolicy = documentCachePolicy(schema, document);
        },
        async willSendResponse({ contextValue, response }) {
          const session = contextValue.cache;
          session.flush();
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // Cache-Control for HTTP caches (a CDN in front of GET), from the document's hints.
          const policy = contextValue.trace.cachePolicy;
          if (!response.http.headers.has('cache-control')) {
            response.http.headers.set(
              'cache-control',
              policy && !result.errors ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : 'no-store',
            );
          }
          if (session.staleIfError.length > 0) result.extensions = { ...result.extensions, staleIfError: session.staleIfError };
          if (!production) {
            result.extensions = {
              ...result.extensions,
              cache: { ...session.stats, response: contextValue.trace.responseCache ?? 'bypass' },
            };
          }
        },
      };
    },
  };
}

export async function createGraphQLEndpoint(options: GraphQLEndpointOptions): Promise<GraphQLEndpoint> {
  const { frontend, downstream, authenticate, logger, metrics, production, cache } = options;
  const evict: RequestContext['evict'] = (owners) => cache.evict(owners);
  // The request line is built from a fixed list of fields without personal data, so it
  // skips the redaction pass (measurable per request); every other line keeps it.
  const requestLog = logger.child({}, { redact: [] });

  const apollo = new ApolloServer<RequestContext>({
    // Execution by graphql-jit (see compiledExecutor.ts); Apollo keeps everything else.
    gateway: compiledExecutor(options.schema),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !production,
    // Apollo's CSRF prevention stays on: a browser cannot send a "simple"
    // cross-site request that runs an operation (see README, GraphQL over HTTP).
    csrfPrevention: true,
    persistedQueries: { cache: options.persistedQueries, ttl: 24 * 3600 },
    // Compact JSON: Apollo pretty-prints by default, which costs CPU and bytes on every response.
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Cache policies come from the document, computed once (cache/cachePolicy.ts), not per field.
      ApolloServerPluginCacheControlDisabled(),
      ...(options.responses ? [responseCachePlugin(frontend, options.responses, options.cache.log, options.cache.now)] : []),
      requestPlugin(production),
    ],
    formatError: (formatted, error) => formatError(formatted, error, production, logger),
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const started = performance.now();
    const trace: RequestTrace = { downstreamCalls: 0, operationName: null };
    let session: CacheSession | null = null;
    let signedIn = false;
    let status = 500;
    const accept = req.headers.accept;
    try {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'POST') {
        // Answered before Apollo: its CSRF check would otherwise turn e.g. a bare
        // DELETE into a 400, and there is no reason to authenticate such a request.
        status = 405;
        res.setHeader('allow', ALLOWED_METHODS);
        writeError(res, status, `GraphQL over HTTP accepts ${ALLOWED_METHODS}; received ${method}.`, ErrorCode.BAD_REQUEST, accept);
        return;
      }
      const body = method === 'POST' ? await readBody(req, options.maxBodyBytes) : undefined;
      if (body && 'error' in body) {
        status = body.status;
        writeError(res, status, body.error, ErrorCode.BAD_REQUEST, accept);
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method,
          headers,
          search: query >= 0 ? url.slice(query) : '',
          body: body?.value,
        },
        context: async () => {
          const viewer = await authenticate(req.headers.authorization);
          signedIn = viewer !== null;
          session = cache.session(trace);
          const context: RequestContext = {
            frontend,
            requestId,
            locale: localeFromAcceptLanguage(req.headers['accept-language']),
            viewer,
            loaders: createLoaders(downstream, trace, session),
            cache: session,
            evict,
            downstream,
            trace,
            maxPageSize: options.maxPageSize,
          };
          return context;
        },
      });
      status = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      // A signed-in response is for its user only, whatever its hints say.
      if (signedIn) res.setHeader('cache-control', 'private, no-store');
      // What a shared cache must key on: money is formatted per Accept-Language, the
      // media type follows Accept, and a token changes the answer.
      res.setHeader('vary', 'Accept, Accept-Language, Authorization');
      res.statusCode = status;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      logger.error({ err: error, requestId, frontend }, 'request failed outside GraphQL execution');
      if (!res.headersSent) writeError(res, 500, 'Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR, accept);
      else res.destroy();
    } finally {
      const ms = performance.now() - started;
      metrics.recordRequest(frontend, status, ms, trace.downstreamCalls);
      if (session) metrics.recordCache(session.stats, session.staleIfError.length, trace.responseCache ?? 'bypass');
      requestLog.info(
        {
          requestId,
          frontend,
          operation: trace.operationName,
          status,
          ms: Math.round(ms * 10) / 10,
          downstreamCalls: trace.downstreamCalls,
          ...(session ? { cache: cacheSummary(session, trace) } : {}),
        },
        'request',
      );
    }
  }

  return { handle, stop: () => apollo.stop() };
}

/** The cache's part of the log line: hits by tier, misses, Redis round trips. */
function cacheSummary(session: CacheSession, trace: RequestTrace) {
  const { l1Hits, l2Hits, misses, stale, redisReads, redisWrites, redisErrors } = session.stats;
  return { l1: l1Hits, l2: l2Hits, miss: misses, stale, staleIfError: session.staleIfError.length, redisReads, redisWrites, redisErrors, response: trace.responseCache ?? 'bypass' };
}

type BodyRead = { value: unknown } | { error: string; status: number };

/** Reads a POST body up to `limit` bytes; parses JSON when the content type says JSON. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve({ error: `The request body must be at most ${limit} bytes; received ${declared}.`, status: 413 });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (tooLarge) {
        resolve({ error: `The request body must be at most ${limit} bytes; received more.`, status: 413 });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (!/^application\/(graphql-response\+)?json\b/.test(type)) {
        // Apollo answers 400 for a POST without a JSON body, as GraphQL over HTTP asks.
        resolve({ value: undefined });
        return;
      }
      try {
        resolve({ value: text === '' ? undefined : JSON.parse(text) });
      } catch (error) {
        resolve({ error: `The request body is not valid JSON: ${(error as Error).message}.`, status: 400 });
      }
    });
  });
}

/** Errors the gateway writes itself (405, malformed JSON, 413, 500), in GraphQL's `{ errors }` shape. */
function writeError(res: ServerResponse, status: number, message: string, code: string, accept: string | undefined): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': errorContentType(accept), 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const APPLICATION_JSON = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

/**
 * The media type of an error the gateway writes itself, chosen as Apollo
 * chooses it for results: `application/graphql-response+json` when the Accept
 * header prefers it to `application/json`, else `application/json` (also when
 * Accept is absent or names neither: the body is JSON either way, and Apollo
 * does the same for its own request errors). Ranking as in Apollo's
 * negotiator: q, then specificity, then position in the header; a tie goes to
 * `application/json`.
 */
export function errorContentType(accept: string | undefined): string {
  if (!accept) return APPLICATION_JSON;
  const ranges = parseAccept(accept);
  const json = bestRange(ranges, 'application', 'json');
  const graphql = bestRange(ranges, 'application', 'graphql-response+json');
  if (!graphql || graphql.q <= 0) return APPLICATION_JSON;
  if (!json || json.q <= 0) return GRAPHQL_RESPONSE_JSON;
  const order = json.q - graphql.q || json.s - graphql.s || graphql.o - json.o;
  return order < 0 ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}

interface MediaRange {
  type: string;
  subtype: string;
  /** Quality, 0..1. */
  q: number;
  /** Position in the header. */
  o: number;
  /** Specificity of the match (set by `bestRange`). */
  s: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  accept.split(',').forEach((part, o) => {
    const [range = '', ...params] = part.split(';');
    const [type, subtype] = range.trim().toLowerCase().split('/');
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q, o, s: 0 });
  });
  return ranges;
}

/** The most specific range of the header that matches `type/subtype`, if any. */
function bestRange(ranges: MediaRange[], type: string, subtype: string): MediaRange | undefined {
  let best: MediaRange | undefined;
  for (const range of ranges) {
    const typeMatch = range.type === type ? 4 : range.type === '*' ? 0 : -1;
    const subtypeMatch = range.subtype === subtype ? 2 : range.subtype === '*' ? 0 : -1;
    if (typeMatch < 0 || subtypeMatch < 0) continue;
    const s = typeMatch + subtypeMatch;
    if (!best || s > best.s || (s === best.s && range.q > best.q)) best = { ...range, s };
  }
  return best;
}

/**
 * Keeps the catalogue's codes and GraphQL's own validation errors; masks
 * everything else in production (logged with its stack, shown as a bare
 * INTERNAL_SERVER_ERROR), so no internals reach a client.
 */
function formatError(formatted: GraphQLFormattedError, error: unknown, production: boolean, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) return formatted;
  logger.error({ err: error, path: formatted.path }, 'unexpected error in a resolver');
  if (!production) return formatted;
  return {
    message: 'Internal server error.',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
