/**
 * One frontend's GraphQL endpoint: an HTTP request in, Apollo's pipeline
 * (graphql/pipeline.ts) over it, the response out, with no web framework in
 * between.
 *
 * Why no framework: the gateway's HTTP surface is small (two GraphQL paths,
 * health, metrics, the playground), and Apollo's `executeHTTPGraphQLRequest`
 * already implements GraphQL over HTTP. What this file adds is what the
 * integration leaves to us: answering methods other than GET/POST with 405,
 * reading the body (body.ts), building the request's context
 * (context/createContext.ts) with the client's address (clientAddress.ts),
 * the headers a shared cache needs, one log line per request (requestLog.ts),
 * and one charge to the client's budgets for a request Apollo never
 * executed (executed ones are charged by graphql/plugins/rateLimitPlugin.ts).
 * Errors written here use the media type the client's Accept prefers, as
 * Apollo does for results.
 *
 * Both endpoints pass every MUST of the graphql-http audit
 * (test/graphqlHttpAudit.test.ts lists the SHOULD/MAY left failing, and why).
 */
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import { clientKey, type CreateContext } from '../context/createContext';
import type { OperationContext, RequestRecord } from '../context/requestContext';
import { ErrorCode } from '../errors/catalogue';
import type { Logger } from '../logging/logger';
import type { Admit } from './admission';
import { readBody } from './body';
import { clientAddress } from './clientAddress';
import type { RequestLog } from './requestLog';
import { writeError } from './responses';

export interface GraphQLEndpointOptions {
  frontend: Frontend;
  /** The frontend's started Apollo pipeline. */
  pipeline: ApolloServer<OperationContext>;
  createContext: CreateContext;
  /** Which document the request runs, or its refusal (admission.ts). */
  admit: Admit;
  requestLog: RequestLog;
  /** Where failures outside GraphQL execution are logged. */
  logger: Logger;
  /** Largest POST body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Largest response body, in bytes: a larger result is replaced by a RESOURCE_LIMIT_EXCEEDED error. */
  maxResponseBytes: number;
  /** Proxies in front whose X-Forwarded-For entries are believed (TRUST_PROXY); 0 = none. */
  trustProxyHops: number;
  /** Charges one request, costing nothing, to a client whose request was refused before execution (rate limits). */
  chargeUncounted?: (client: string) => void;
}

export interface GraphQLEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The methods GraphQL over HTTP uses; anything else is answered 405 with this as `Allow`. */
const ALLOWED_METHODS = 'GET, POST';

export function createGraphQLEndpoint(options: GraphQLEndpointOptions): GraphQLEndpoint {
  const { frontend, pipeline, createContext, admit, requestLog, logger, maxBodyBytes, maxResponseBytes, trustProxyHops, chargeUncounted } = options;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const started = performance.now();
    const record: RequestRecord = { downstreamCalls: 0, operationName: null };
    // Set by Apollo's call of the context factory; read once the response is out.
    let context = null as OperationContext | null;
    let status = 500;
    const accept = req.headers.accept;
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxyHops);
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
      const body = method === 'POST' ? await readBody(req, maxBodyBytes) : undefined;
      if (body && 'error' in body) {
        status = body.status;
        writeError(res, status, body.error, ErrorCode.BAD_REQUEST, accept);
        return;
      }
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const admitted = admit(method, { body: body?.value, search: query >= 0 ? url.slice(query) : '' }, record, requestId);
      if ('refusal' in admitted) {
        const { refusal } = admitted;
        status = refusal.status;
        writeError(res, status, refusal.message, refusal.code, accept, refusal);
        return;
      }
      const response = await pipeline.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: headerMap(req), search: admitted.params.search, body: admitted.params.body },
        context: async () =>
          (context = await createContext({
            requestId,
            authorization: req.headers.authorization,
            acceptLanguage: req.headers['accept-language'],
            clientAddress: address,
            record,
          })),
      });
      status = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      // A signed-in response is for its user only, whatever its hints say.
      if (context?.viewer) res.setHeader('cache-control', 'private, no-store');
      // What a shared cache must key on: money is formatted per Accept-Language, the
      // media type follows Accept, and a token changes the answer.
      res.setHeader('vary', 'Accept, Accept-Language, Authorization');
      res.statusCode = status;
      if (response.body.kind === 'complete') {
        const size = Buffer.byteLength(response.body.string);
        if (size <= maxResponseBytes) res.end(response.body.string);
        else {
          status = 400;
          const message = `A response may be at most ${maxResponseBytes} bytes; this one is ${size}. Ask for fewer items or fields.`;
          writeError(res, status, message, ErrorCode.RESOURCE_LIMIT_EXCEEDED, accept, { extensions: { rule: 'responseBytes', limit: maxResponseBytes, value: size } });
        }
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      logger.error({ err: error, requestId, frontend }, 'request failed outside GraphQL execution');
      if (!res.headersSent) writeError(res, 500, 'Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR, accept);
      else res.destroy();
    } finally {
      if (!record.rateLimitCharged) chargeUncounted?.(context?.client ?? clientKey(null, address));
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
