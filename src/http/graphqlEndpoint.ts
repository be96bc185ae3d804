/**
 * One frontend's GraphQL endpoint: an HTTP request in, Apollo's pipeline
 * (graphql/pipeline.ts) over it, the response out, with no web framework in
 * between.
 *
 * Why no framework: the gateway's HTTP surface is small (two GraphQL paths,
 * health, metrics, the playground), and Apollo's `executeHTTPGraphQLRequest`
 * already implements GraphQL over HTTP (beside it, the fast lane runs trusted
 * documents: graphqlRequest.ts). What this file adds is what the
 * integration leaves to us, in this order: refusing requests at once while
 * the gateway is overloaded (loadShedding.ts), answering methods other than
 * GET/POST with 405, reading the body (body.ts, bounded in size and time),
 * the document's admission (admission.ts: trusted documents, tokens),
 * building the request's context (context/createContext.ts) with the
 * client's address (clientAddress.ts), the headers a shared cache needs, the
 * response-size bound, one log line per request (requestLog.ts), and one
 * charge to the client's budgets for a request Apollo never executed
 * (executed ones are charged by graphql/plugins/rateLimitPlugin.ts). Errors
 * written here use the media type the client's Accept prefers, as Apollo does
 * for results.
 *
 * Both endpoints pass every MUST of the graphql-http audit
 * (test/graphqlHttpAudit.test.ts lists the SHOULD/MAY left failing, and why).
 */
import type { Context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import { clientKey, type CreateContext } from '../context/createContext';
import type { OperationContext } from '../context/requestContext';
import type { Pipeline } from '../graphql/pipeline';
import { ErrorCode } from '../errors/catalogue';
import type { Refusal } from '../errors/refusal';
import type { Logger } from '../logging/logger';
import type { Admit } from './admission';
import { readBody } from './body';
import { clientAddress } from './clientAddress';
import { runGraphQLRequest } from './graphqlRequest';
import { writeGraphQLResponse } from './graphqlResponse';
import type { LoadShedder } from './loadShedding';
import { boundedRecord, type RequestLimits } from './requestBounds';
import type { RequestLog } from './requestLog';
import { writeError, writeRefusal } from './responses';

export interface GraphQLEndpointOptions {
  frontend: Frontend;
  /** The frontend's started pipeline: Apollo, and the fast lane for trusted documents. */
  pipeline: Pipeline;
  createContext: CreateContext;
  /** Which document the request runs, or its refusal (admission.ts). */
  admit: Admit;
  requestLog: RequestLog;
  /** Where failures outside GraphQL execution are logged. */
  logger: Logger;
  /** The bounds of each request (requestBounds.ts). */
  limits: RequestLimits;
  /** Proxies in front whose X-Forwarded-For entries are believed (TRUST_PROXY); 0 = none. */
  trustProxyHops: number;
  /** Charges one request, costing nothing, to a client whose request was refused before execution (rate limits). */
  chargeUncounted?: (client: string) => void;
  /** Shared by both frontends' endpoints: refuses requests at once (503) when the gateway is overloaded. */
  shedder: LoadShedder;
}

/** With tracing on, the request's span (http/tracedEndpoint.ts): the context it is active in, and its trace's id. */
export interface RequestSpan {
  context: Context;
  traceId: string;
}

export interface GraphQLEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, requestId: string, span?: RequestSpan): Promise<void>;
  stop(): Promise<void>;
}

/** The methods GraphQL over HTTP uses; anything else is answered 405 with this as `Allow`. */
const ALLOWED_METHODS = 'GET, POST';

export function createGraphQLEndpoint(options: GraphQLEndpointOptions): GraphQLEndpoint {
  const { frontend, pipeline, createContext, admit, requestLog, logger, trustProxyHops, chargeUncounted, shedder } = options;
  const { limits } = options;
  const bodyLimits = { maxBytes: limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, span?: RequestSpan): Promise<void> {
    const started = performance.now();
    const record = boundedRecord(res, limits.requestTimeoutMs, started);
    // What the request's spans start under and its log lines carry; everything it causes finds them here.
    if (span) {
      record.spanParent = span.context;
      record.traceId = span.traceId;
    }
    // Set by Apollo's call of the context factory; read once the response is out.
    let context = null as OperationContext | null;
    let status = 500;
    const accept = req.headers.accept;
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxyHops);
    // Before anything is read: a shed request costs the gateway nothing but this answer.
    const admission = shedder.admit();
    try {
      const method = req.method ?? 'GET';
      const body = admission.admitted && isAllowed(method) && method === 'POST' ? await readBody(req, bodyLimits) : undefined;
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const admitted = !admission.admitted
        ? { refusal: overloaded(admission) }
        : !isAllowed(method)
          ? { refusal: notAllowed(res, method) }
          : body && 'error' in body
            ? { refusal: { status: body.status, code: ErrorCode.BAD_REQUEST, message: body.error, close: body.close } }
            : admit(method, { body: body?.value, search: query >= 0 ? url.slice(query) : '' }, record, requestId);
      if ('refusal' in admitted) {
        status = admitted.refusal.status;
        if (status === 503) record.rejection = 'overloaded';
        writeRefusal(res, admitted.refusal, accept);
        return;
      }
      const response = await runGraphQLRequest(pipeline.apollo, pipeline.fastLane, {
        req,
        method,
        params: admitted.params,
        trusted: admitted.trusted,
        context: async () =>
          (context = await createContext({
            requestId,
            authorization: req.headers.authorization,
            acceptLanguage: req.headers['accept-language'],
            clientAddress: address,
            record,
          })),
      });
      status = await writeGraphQLResponse(res, response, { signedIn: context?.viewer != null, maxResponseBytes: limits.maxResponseBytes, accept, record });
    } catch (error) {
      logger.error({ err: error, requestId, traceId: record.traceId, frontend }, 'request failed outside GraphQL execution');
      if (!res.headersSent) writeError(res, 500, 'Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR, accept);
      else res.destroy();
    } finally {
      if (!record.rateLimitCharged) chargeUncounted?.(context?.client ?? clientKey(null, address));
      if (admission.admitted) admission.release();
      requestLog({ requestId, frontend, status, ms: performance.now() - started, record, session: context?.session ?? null });
    }
  }

  return { handle, stop: () => pipeline.apollo.stop() };
}

const isAllowed = (method: string): boolean => method === 'GET' || method === 'POST';

function overloaded(shed: { retryAfterS: number; message: string }): Refusal {
  return { status: 503, code: ErrorCode.OVERLOADED, message: shed.message, headers: { 'retry-after': String(shed.retryAfterS) } };
}

/** Answered before Apollo: its CSRF check would turn e.g. a bare DELETE into a 400, and such a request needs no identity. */
function notAllowed(res: ServerResponse, method: string): Refusal {
  res.setHeader('allow', ALLOWED_METHODS);
  return { status: 405, code: ErrorCode.BAD_REQUEST, message: `GraphQL over HTTP accepts ${ALLOWED_METHODS}; received ${method}.` };
}
