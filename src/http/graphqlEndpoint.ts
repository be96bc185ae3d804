/**
 * One frontend's GraphQL endpoint: an HTTP request in, Apollo's pipeline
 * (graphql/pipeline.ts) over it, the response out, with no web framework in
 * between.
 *
 * Why no framework: the gateway's HTTP surface is small (two GraphQL paths,
 * health, metrics, the playground), and Apollo's `executeHTTPGraphQLRequest`
 * already implements GraphQL over HTTP. What this file adds is what the
 * integration leaves to us: refusing requests at once while the gateway is
 * overloaded (loadShedding.ts), answering methods other than GET/POST with 405,
 * reading the body (body.ts, bounded in size and time), building the request's context
 * (context/createContext.ts), the headers a shared cache needs, and one log
 * line per request (requestLog.ts). Errors written here use the media type
 * the client's Accept prefers, as Apollo does for results.
 *
 * Both endpoints pass every MUST of the graphql-http audit
 * (test/graphqlHttpAudit.test.ts lists the SHOULD/MAY left failing, and why).
 */
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import type { CreateContext } from '../context/createContext';
import type { OperationContext, RequestRecord } from '../context/requestContext';
import { ErrorCode } from '../errors/catalogue';
import type { Logger } from '../logging/logger';
import { readBody } from './body';
import type { LoadShedder } from './loadShedding';
import type { RequestLog } from './requestLog';
import { appendVary, closeAfterResponse, writeError } from './responses';

export interface GraphQLEndpointOptions {
  frontend: Frontend;
  /** The frontend's started Apollo pipeline. */
  pipeline: ApolloServer<OperationContext>;
  createContext: CreateContext;
  requestLog: RequestLog;
  /** Where failures outside GraphQL execution are logged. */
  logger: Logger;
  /** Largest POST body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Time the whole POST body may take from the request's start (408 after, connection closed); 0 = none. */
  bodyTimeoutMs: number;
  /** Shared by both frontends' endpoints: refuses requests at once (503) when the gateway is overloaded. */
  shedder: LoadShedder;
}

export interface GraphQLEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The methods GraphQL over HTTP uses; anything else is answered 405 with this as `Allow`. */
const ALLOWED_METHODS = 'GET, POST';

export function createGraphQLEndpoint(options: GraphQLEndpointOptions): GraphQLEndpoint {
  const { frontend, pipeline, createContext, requestLog, logger, maxBodyBytes, bodyTimeoutMs, shedder } = options;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const started = performance.now();
    const record: RequestRecord = { downstreamCalls: 0, operationName: null };
    // Set by Apollo's call of the context factory; read once the response is out.
    let context = null as OperationContext | null;
    let status = 500;
    const accept = req.headers.accept;
    // Before anything is read: a shed request costs the gateway nothing but this answer.
    const admission = shedder.admit();
    try {
      if (!admission.admitted) {
        status = 503;
        res.setHeader('retry-after', String(admission.retryAfterS));
        writeError(res, status, admission.message, ErrorCode.OVERLOADED, accept);
        return;
      }
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'POST') {
        // Answered before Apollo: its CSRF check would otherwise turn e.g. a bare
        // DELETE into a 400, and there is no reason to authenticate such a request.
        status = 405;
        res.setHeader('allow', ALLOWED_METHODS);
        writeError(res, status, `GraphQL over HTTP accepts ${ALLOWED_METHODS}; received ${method}.`, ErrorCode.BAD_REQUEST, accept);
        return;
      }
      const body = method === 'POST' ? await readBody(req, { maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs }) : undefined;
      if (body && 'error' in body) {
        status = body.status;
        if (body.close) closeAfterResponse(res);
        writeError(res, status, body.error, ErrorCode.BAD_REQUEST, accept);
        return;
      }
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const response = await pipeline.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: headerMap(req), search: query >= 0 ? url.slice(query) : '', body: body?.value },
        context: async () =>
          (context = await createContext({
            requestId,
            authorization: req.headers.authorization,
            acceptLanguage: req.headers['accept-language'],
            record,
          })),
      });
      status = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      // A signed-in response is for its user only, whatever its hints say.
      if (context?.viewer) res.setHeader('cache-control', 'private, no-store');
      // What a shared cache must key on: money is formatted per Accept-Language, the
      // media type follows Accept, and a token changes the answer.
      appendVary(res, 'Accept, Accept-Language, Authorization');
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
      if (admission.admitted) admission.release();
      requestLog({ requestId, frontend, status, ms: performance.now() - started, record, session: context?.session ?? null });
    }
  }

  return { handle, stop: () => pipeline.stop() };
}

/** The request's headers as Apollo takes them (repeated headers joined, as HTTP allows). */
function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
