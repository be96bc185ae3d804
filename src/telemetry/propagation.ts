/**
 * W3C Trace Context in and out: `traceparent` and `tracestate`, read from a
 * client's request (only when it is trusted: tracing.ts decides) and written
 * into every downstream request's headers, so the services' spans join the
 * gateway's trace under the HTTP client span that called them.
 *
 * The propagator instance is the gateway's own (never registered with the
 * API's global `propagation`), and the carriers are plain header objects:
 * node's IncomingHttpHeaders in, the Record undici sends out.
 */
import { ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';

/** Request headers as node gives them: lowercase names, repeated ones as arrays. */
export type HeaderCarrier = Record<string, string | string[] | undefined>;

const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The client's span context as the parent, or the root context when it sent none (or a malformed one). */
export function extractTrusted(propagator: W3CTraceContextPropagator, headers: HeaderCarrier): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  const context = propagator.extract(ROOT_CONTEXT, headers, getter);
  return trace.getSpanContext(context) ? context : ROOT_CONTEXT;
}

export function injectInto(propagator: W3CTraceContextPropagator, context: Context, headers: Record<string, string>): void {
  propagator.inject(context, headers, setter);
}
