/**
 * What tracing.ts asks of the recorder and provider.ts gives it: a leaf, so
 * the two need not import each other (provider.ts is loaded only when
 * tracing is on).
 */
import type { Attributes, Context, Span, SpanKind, Tracer } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';

export interface TracingDependencies {
  /** Told when an export fails (the gateway logs it, at most once a minute). */
  onExportError?: (error: Error | undefined, failures: number) => void;
}

/** What provider.ts builds: the tracer, the propagator, and the batcher's flush and shutdown. */
export interface TracingBackend {
  tracer: Tracer;
  /** The tracer's `startSpan` without its options object: under `parent` (undefined: a new trace), of `kind`, with these attributes (adopted, not copied). */
  start(name: string, attributes: Attributes, parent: Context | undefined, kind: SpanKind): Span;
  propagator: W3CTraceContextPropagator;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
