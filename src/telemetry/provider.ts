/**
 * The OpenTelemetry SDK behind a gateway's tracing (tracing.ts): its own
 * TracerProvider, never registered globally, with the sampler, the
 * resource and the batching exporter its config says. Loaded with `import()`
 * only when tracing is on.
 */
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracesSampler, TracingOptions } from '../config';
import type { TracingBackend, TracingDependencies } from './backend';

export function createBackend(options: TracingOptions, deps: TracingDependencies): TracingBackend {
  const exporter = new ReportingExporter(deps.exporter ?? new OTLPTraceExporter({ url: options.endpoint ?? undefined }), deps.onExportError);
  const provider = new BasicTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, k8s.pod.name …) from the environment; the name from the config.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    sampler: sampler(options.sampler, options.samplerRatio),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.scheduleDelayMs })],
  });
  return {
    tracer: provider.getTracer('storefront-bff-gateway'),
    propagator: new W3CTraceContextPropagator(),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function sampler(kind: TracesSampler, ratio: number): Sampler {
  switch (kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * The exporter, with its failures reported to the gateway: the SDK reports
 * them only to the API's global diagnostic logger, which nobody reads here,
 * and a collector that is down would otherwise go unnoticed. At most one
 * report a minute, with the number of failed exports since the last one.
 */
class ReportingExporter implements SpanExporter {
  private failures = 0;
  private lastReport = -Infinity;

  constructor(
    private readonly inner: SpanExporter,
    private readonly onError: TracingDependencies['onExportError'],
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.failures++;
        const now = performance.now();
        if (this.onError && now - this.lastReport >= 60_000) {
          this.lastReport = now;
          this.onError(result.error, this.failures);
          this.failures = 0;
        }
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
