/**
 * A gateway's tracing: its own recorder, exporter and propagator, made from
 * `GatewayConfig.tracing` (README: "Tracing"), or null when tracing is off,
 * so that every instrumented place costs one `if (tracing)` and nothing else
 * (not even a no-op span) on a gateway that does not trace.
 *
 * Nothing is registered with the OpenTelemetry API's globals: no tracer
 * provider, propagator or context manager. Each gateway keeps its own
 * recorder (two gateways in one test process export to their own receivers
 * and never see each other's spans), and there is no active context at all:
 * every span is started under the parent it is given. The request's span is
 * kept on the request's record (http/tracedEndpoint.ts), the execution's on
 * its cache session, a loader batch's on the CallTrace its calls get, and
 * Redis round trips take theirs as an argument. Why not an
 * AsyncLocalStorage, which would find the parent by itself: on Node 20,
 * once one is used, a promise hook runs for every promise of the process
 * (a warm request makes hundreds), for every request whether it is sampled
 * or not, where issue 9 allows tracing at most 10 % of warm throughput.
 *
 * The recorder (provider.ts) is loaded only when tracing is on: with tracing
 * off the process never loads it, nor @opentelemetry/core.
 *
 * The sampler, schedule delay, endpoint and service name come from the
 * config (config/tracing.ts reads their variables); the recorder reads the
 * other standard variables itself (exporterSettings.ts).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { TracingOptions } from '../config';
import type { TracingBackend, TracingDependencies } from './backend';
import { withSpan } from './linkedContext';
import { extractTrusted, injectInto, type HeaderCarrier } from './propagation';

/** Longest a gateway's `close()` waits for its last spans to be exported. */
const SHUTDOWN_WAIT_MS = 3000;

/** What the gateway's instrumented places use; one per gateway. */
export class Tracing {
  readonly tracer: Tracer;

  constructor(
    private readonly options: TracingOptions,
    private readonly backend: TracingBackend,
  ) {
    this.tracer = backend.tracer;
  }

  /** Starts a span under `parent` (none: a new trace); the caller ends it. */
  start(name: string, attributes: Attributes, parent: Context | undefined, kind: SpanKind = SpanKind.INTERNAL): Span {
    return this.backend.start(name, attributes, parent, kind);
  }

  /** The context whose active span is `span`: the parent of what `span` encloses. */
  within(parent: Context | undefined, span: Span): Context {
    return withSpan(parent, span);
  }

  /**
   * Runs `fn` inside a new span under `parent`, handing it the span and its
   * context (the parent of whatever `fn` starts); the span ends when `fn`
   * settles, marked as failed if it throws.
   */
  async span<T>(name: string, attributes: Attributes, parent: Context | undefined, fn: (span: Span, context: Context) => Promise<T>, kind?: SpanKind): Promise<T> {
    const span = this.start(name, attributes, parent, kind);
    try {
      return await fn(span, this.within(parent, span));
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * The parent a request's span starts under: the client's trace when
   * `trustIncoming` (OTEL_TRUST_INCOMING) is set and it sent a valid
   * `traceparent`; otherwise a new trace, so a client can neither join the
   * gateway's spans to a trace of its choosing nor steer its sampling.
   */
  incoming(headers: HeaderCarrier): Context {
    return this.options.trustIncoming ? extractTrusted(this.backend.propagator, headers) : ROOT_CONTEXT;
  }

  /** Adds the `traceparent` (and `tracestate`) of `context`'s span to a downstream request's headers. */
  inject(headers: Record<string, string>, context: Context | undefined): void {
    if (context) injectInto(this.backend.propagator, context, headers);
  }

  /**
   * Exports every finished span now. Never rejects: a failed export is
   * already reported (onExportError), and closing a gateway must not fail
   * because its collector is down.
   */
  forceFlush(): Promise<void> {
    return this.backend.forceFlush().catch(() => undefined);
  }

  /**
   * Exports what is left and stops (the gateway's `close()`); never rejects,
   * as `forceFlush`, and waits at most SHUTDOWN_WAIT_MS: with the collector
   * down, the exporter's own retries would hold a stopping gateway for about
   * 9 s, and losing the last spans then is better than delaying the exit.
   */
  async shutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      timer.unref();
    });
    await Promise.race([this.backend.shutdown().catch(() => undefined), waited]);
    clearTimeout(timer);
  }
}

/** A gateway's tracing, or null when no OTLP endpoint is configured. */
export async function createTracing(options: TracingOptions, deps: TracingDependencies = {}): Promise<Tracing | null> {
  if (!options.endpoint) return null;
  const { createBackend } = await import('./provider');
  return new Tracing(options, createBackend(options, deps));
}

/** Marks a span as failed with the error's message (and code, when it has one). */
export function failed(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const code = (error as { extensions?: { code?: unknown } })?.extensions?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error');
}
