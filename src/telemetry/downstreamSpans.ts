/**
 * The span of one downstream HTTP call (an OpenTelemetry HTTP client span):
 * named by its route template (`GET /products/{id}`, as the semantic
 * conventions name client spans: method and URL template), with the
 * service, the status it answered, and how it failed. Retries of the call
 * happen inside it (undici's retry interceptor), under the same
 * `traceparent`, which this span's context supplies: `call` is handed
 * that context, and serviceHttp.ts injects it into the request's headers.
 * The parent is the one the call's CallTrace names (its loader batch's span,
 * or the request's).
 */
import { SpanKind, type Context } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import type { Tracing } from './tracing';

/** What the span reads of a call's result (downstream/call.ts `Outcome`): the status, and the error code of an expected 4xx. */
interface CallResult {
  status: number;
  error?: { error: string };
}

export function tracedCall<T extends CallResult>(
  tracing: Tracing,
  service: string,
  method: string,
  route: string,
  parent: Context | undefined,
  call: (context: Context) => Promise<T>,
): Promise<T> {
  const attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    // Incubating conventions, spelled out rather than imported from the package's incubating entry point.
    'url.template': route.slice(route.indexOf(' ') + 1),
    'peer.service': service,
  };
  return tracing.span(
    route,
    attributes,
    parent,
    async (span, context) => {
      try {
        const result = await call(context);
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
        if (result.error) span.setAttribute('bff.downstream.error', result.error.error);
        return result;
      } catch (error) {
        // A DownstreamError: its failure kind (timeout, unreachable, status, payload, circuit) and the status, if any.
        const { failure, status } = error as { failure?: string; status?: number };
        if (failure) span.setAttribute('bff.downstream.failure', failure);
        if (typeof status === 'number') span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        throw error;
      }
    },
    SpanKind.CLIENT,
  );
}
