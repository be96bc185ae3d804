/**
 * The request's span: the root (or, with a trusted client traceparent, the
 * local root) of everything one GraphQL request does.
 *
 * Why it starts here, at HTTP arrival, and is renamed later: the span must
 * enclose the whole request (body read, admission, Apollo, the response
 * written), and requests that never reach Apollo (503 shed, 405, 413,
 * malformed JSON) still get one. So it is named `POST /graphql/web` when it
 * starts (the semantic conventions' HTTP server name) and `query
 * WebProductPage` once Apollo has resolved the operation
 * (graphql/plugins/tracingPlugin.ts). Samplers decide when a span starts,
 * before the name is known; none of the standard ones looks at names.
 *
 * Its context is handed to the endpoint, which keeps it on the request's
 * record (`spanParent`, with `traceId` for the log lines): every span the
 * request causes starts under it, or under a span started under it, by
 * being given that parent (no async context is tracked: telemetry/tracing.ts
 * says why).
 *
 * A wrapper around the endpoint rather than lines in graphqlEndpoint.ts: with
 * tracing off the endpoint is used as it is, and nothing here runs.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { Frontend } from '../config';
import type { Tracing } from '../telemetry/tracing';
import type { GraphQLEndpoint } from './graphqlEndpoint';

export function tracedEndpoint(endpoint: GraphQLEndpoint, tracing: Tracing, frontend: Frontend): GraphQLEndpoint {
  const route = `/graphql/${frontend}`;
  const name = `POST ${route}`;
  return {
    stop: () => endpoint.stop(),
    async handle(req, res, requestId) {
      const method = req.method ?? 'GET';
      const parent = tracing.incoming(req.headers);
      const span = tracing.start(
        method === 'POST' ? name : `${method} ${route}`,
        { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route, 'bff.frontend': frontend, 'bff.request_id': requestId },
        parent,
        SpanKind.SERVER,
      );
      try {
        await endpoint.handle(req, res, requestId, { context: tracing.within(parent, span), traceId: span.spanContext().traceId });
      } finally {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        // Server spans are errors for 5xx only: a 4xx is the client's mistake, not the gateway's.
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    },
  };
}
