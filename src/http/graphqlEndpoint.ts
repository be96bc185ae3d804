/**
 * One frontend's GraphQL endpoint: Apollo Server driven straight from
 * `node:http`, with no web framework in between.
 *
 * Why no framework: the gateway's HTTP surface is small (two GraphQL paths,
 * health, metrics, the playground), and Apollo's `executeHTTPGraphQLRequest`
 * already implements GraphQL over HTTP. What this file adds is what the
 * integration leaves to us: reading the body (bounded), turning malformed JSON
 * into a clear 400, building the request context (identity, locale, fresh
 * loaders), masking internals in production, and the request's log line.
 */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import type { Authenticate } from '../context/auth';
import type { RequestContext } from '../context/requestContext';
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
}

export interface GraphQLEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  stop(): Promise<void>;
}

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

/** Records the resolved operation's name on the context, for the log line. */
const operationNamePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName }) {
        contextValue.operationName = operationName ?? null;
      },
    };
  },
};

export async function createGraphQLEndpoint(options: GraphQLEndpointOptions): Promise<GraphQLEndpoint> {
  const { frontend, downstream, authenticate, logger, metrics, production } = options;

  const apollo = new ApolloServer<RequestContext>({
    schema: options.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !production,
    // Apollo's CSRF prevention stays on: a browser cannot send a "simple"
    // cross-site request that runs an operation (see README, GraphQL over HTTP).
    csrfPrevention: true,
    plugins: [ApolloServerPluginLandingPageDisabled(), operationNamePlugin],
    formatError: (formatted, error) => formatError(formatted, error, production, logger),
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const started = performance.now();
    const trace = { downstreamCalls: 0 };
    let status = 500;
    let operationName: string | null = null;
    try {
      const body = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : undefined;
      if (body && 'error' in body) {
        status = body.status;
        writeError(res, status, body.error, ErrorCode.BAD_REQUEST);
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      let context: RequestContext | undefined;
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method ?? 'GET',
          headers,
          search: query >= 0 ? url.slice(query) : '',
          body: body?.value,
        },
        context: async () => {
          const viewer = await authenticate(req.headers.authorization);
          context = {
            frontend,
            requestId,
            locale: localeFromAcceptLanguage(req.headers['accept-language']),
            viewer,
            loaders: createLoaders(downstream, trace),
            downstream,
            trace,
            maxPageSize: options.maxPageSize,
            operationName: null,
          };
          return context;
        },
      });
      operationName = context?.operationName ?? null;
      status = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = status;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      logger.error({ err: error, requestId, frontend }, 'request failed outside GraphQL execution');
      if (!res.headersSent) writeError(res, 500, 'Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR);
      else res.destroy();
    } finally {
      const ms = performance.now() - started;
      metrics.recordRequest(frontend, status, ms);
      logger.info(
        {
          requestId,
          frontend,
          operation: operationName,
          status,
          ms: Math.round(ms * 10) / 10,
          downstreamCalls: trace.downstreamCalls,
        },
        'request',
      );
    }
  }

  return { handle, stop: () => apollo.stop() };
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

function writeError(res: ServerResponse, status: number, message: string, code: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
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
