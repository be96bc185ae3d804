/**
 * What tracing.ts asks of the SDK and provider.ts gives it: a leaf, so the
 * two need not import each other (provider.ts is loaded only when tracing
 * is on).
 */
import type { Tracer } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TracingDependencies {
  /** Where spans go instead of the OTLP exporter (tests). */
  exporter?: SpanExporter;
  /** Told when an export fails (the gateway logs it, at most once a minute). */
  onExportError?: (error: Error | undefined, failures: number) => void;
}

/** What provider.ts builds from the SDK: the tracer, the propagator, and the provider's flush and shutdown. */
export interface TracingBackend {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

