/**
 * What a gateway's tracing (tracing.ts) records with: a tracer of the API's
 * shape that makes the gateway's own spans (recordedSpan.ts) under the
 * configured sampler (sampling.ts), a batcher (spanBatcher.ts) that writes
 * them as OTLP JSON (otlpJson.ts) and sends them to the collector
 * (otlpHttp.ts), and the W3C propagator of @opentelemetry/core. Nothing is
 * registered with the API's globals. Loaded with `import()` only when
 * tracing is on.
 *
 * Why not the OpenTelemetry SDK's provider, processor and exporter: at
 * 100 % sampling they cost a warm request more than the 10 % of throughput
 * issue 9 allows (README "Tracing" has the figures); this records the same
 * spans, with the same samplers, batching and variables, in a fraction of it.
 */
import { ROOT_CONTEXT, SpanKind, TraceFlags, isSpanContextValid, trace, type Attributes, type Context, type Span, type SpanContext, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingOptions } from '../config';
import type { TracingBackend, TracingDependencies } from './backend';
import { batchSettings, exporterSettings, resourceAttributes, spanLimits } from './exporterSettings';
import { OtlpJsonWriter } from './otlpJson';
import { OtlpHttpSender } from './otlpHttp';
import { IdPool, RecordedSpan, toPerformanceMs, type SpanSink } from './recordedSpan';
import { samplerOf, type Sampler } from './sampling';
import { SpanBatcher } from './spanBatcher';

/** The instrumentation scope of every span. */
const SCOPE = 'storefront-bff-gateway';
/** At most one export-failure report a minute, with the number of failed exports since the last one. */
const REPORT_EVERY_MS = 60_000;

export function createBackend(options: TracingOptions, deps: TracingDependencies, env: NodeJS.ProcessEnv = process.env): TracingBackend {
  if (!options.endpoint) throw new Error('tracing needs an OTLP endpoint');
  const resource: Attributes = {
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'storefront-bff-gateway',
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, k8s.pod.name …) from the environment; the name from the config.
    ...resourceAttributes(env),
    [ATTR_SERVICE_NAME]: options.serviceName,
  };
  const batcher = new SpanBatcher(
    batchSettings(env),
    options.scheduleDelayMs,
    new OtlpJsonWriter(resource, SCOPE, spanLimits(env)),
    new OtlpHttpSender(options.endpoint, exporterSettings(env)),
    failureReporter(deps.onExportError),
  );
  const tracer = new RecordingTracer(samplerOf(options.sampler, options.samplerRatio), new IdPool(), batcher);
  return {
    tracer,
    start: tracer.start,
    propagator: new W3CTraceContextPropagator(),
    forceFlush: () => batcher.flush(),
    shutdown: () => batcher.shutdown(),
  };
}

/**
 * The API's Tracer over RecordedSpan: a sampled span is recorded, an
 * unsampled one is the API's non-recording span (its context still
 * propagates, with the sampled flag off). Attributes passed at the start are
 * adopted, not copied: the gateway's instrumented places (tracing.ts) pass a
 * literal made for the span.
 */
class RecordingTracer implements Tracer {
  constructor(
    private readonly sampler: Sampler,
    private readonly ids: IdPool,
    private readonly sink: SpanSink,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, context: Context = ROOT_CONTEXT): Span {
    const startAt = options.startTime === undefined ? performance.now() : toPerformanceMs(options.startTime);
    const span = this.start(name, options.attributes ?? {}, options.root ? undefined : context, options.kind ?? SpanKind.INTERNAL, startAt);
    if (options.links && options.links.length > 0) span.addLinks(options.links);
    return span;
  }

  /** `startSpan` without an options object: what tracing.ts calls for every span. */
  readonly start = (name: string, attributes: Attributes, context: Context | undefined, kind: SpanKind, startAt = performance.now()): Span => {
    const parent = context === undefined ? undefined : parentOf(context);
    const traceId = parent ? parent.traceId : this.ids.traceId();
    const spanId = this.ids.spanId();
    if (!this.sampler(traceId, parent)) {
      return trace.wrapSpanContext(parent?.traceState ? { traceId, spanId, traceFlags: TraceFlags.NONE, traceState: parent.traceState } : { traceId, spanId, traceFlags: TraceFlags.NONE });
    }
    return new RecordedSpan(this.sink, traceId, spanId, parent ? parent.spanId : '', parent?.traceState, name, kind, attributes, startAt);
  };

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  /** There is no active context here (tracing.ts): the span is started and handed to `fn`, which ends it. */
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = (args.length > 1 ? args[0] : {}) as SpanOptions;
    const context = (args.length > 2 ? args[1] : ROOT_CONTEXT) as Context;
    return fn(this.startSpan(name, options, context)) as ReturnType<F>;
  }
}

/** The parent's span context: a span of ours as it is (valid and sampled by construction), another (a client's, extracted) once checked. */
function parentOf(context: Context): SpanContext | undefined {
  const span = trace.getSpan(context);
  if (span === undefined || span instanceof RecordedSpan) return span;
  const found = span.spanContext();
  return isSpanContextValid(found) ? found : undefined;
}

function failureReporter(onError: TracingDependencies['onExportError']): (error: Error) => void {
  let failures = 0;
  let lastReport = -Infinity;
  return (error) => {
    failures++;
    const now = performance.now();
    if (onError && now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      onError(error, failures);
      failures = 0;
    }
  };
}
