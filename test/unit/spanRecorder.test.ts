/**
 * The gateway's span recorder without a network (src/telemetry/): the
 * samplers decide as the OpenTelemetry SDK's do, a span is written as the
 * OTLP JSON a collector decodes (ids, kinds, Unix nanoseconds, typed
 * attributes, limits), contexts link to their span, and the standard
 * variables are read with the SDK's defaults. The export itself, end to
 * end against a receiver, is test/tracing.test.ts.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { batchSettings, exporterSettings, spanLimits } from '../../src/telemetry/exporterSettings';
import { JsonBytes } from '../../src/telemetry/jsonBytes';
import { withSpan } from '../../src/telemetry/linkedContext';
import { OtlpJsonWriter, unixNanos } from '../../src/telemetry/otlpJson';
import { IdPool, RecordedSpan, type SpanSink } from '../../src/telemetry/recordedSpan';
import { samplerOf } from '../../src/telemetry/sampling';

const LIMITS = spanLimits({});

/** What the batcher sends for these spans: head, the spans comma-separated, tail (a tiny buffer, so it grows). */
function body(writer: OtlpJsonWriter, spans: RecordedSpan[]): unknown {
  const out = new JsonBytes(16);
  out.text(writer.head);
  spans.forEach((s, i) => {
    if (i > 0) out.byte(0x2c);
    writer.span(out, s);
  });
  out.ascii(writer.tail);
  return JSON.parse(out.bytes.toString('utf8', 0, out.used));
}

function recorded(ended: RecordedSpan[], attributes = {}, parentSpanId = ''): RecordedSpan {
  const sink: SpanSink = { ended: (s) => ended.push(s) };
  const ids = new IdPool();
  return new RecordedSpan(sink, ids.traceId(), ids.spanId(), parentSpanId, undefined, 'POST /graphql/web', SpanKind.SERVER, attributes, performance.now());
}

describe('sampling', () => {
  it('takes the same trace ids as the SDK at a ratio, and follows a parent when parent-based', () => {
    const ids = new IdPool();
    const ours = samplerOf('traceidratio', 0.3);
    const sdk = new TraceIdRatioBasedSampler(0.3);
    let sampled = 0;
    for (let i = 0; i < 2000; i++) {
      const traceId = ids.traceId();
      const decision = ours(traceId, undefined);
      expect(decision).toBe(sdk.shouldSample(ROOT_CONTEXT, traceId).decision === 2);
      if (decision) sampled++;
    }
    expect(sampled).toBeGreaterThan(450);
    expect(sampled).toBeLessThan(750);
    const parent = { traceId: ids.traceId(), spanId: ids.spanId(), traceFlags: 0 };
    expect(samplerOf('parentbased_always_on', 1)(parent.traceId, parent)).toBe(false);
    expect(samplerOf('parentbased_always_off', 1)(parent.traceId, { ...parent, traceFlags: 1 })).toBe(true);
    expect(samplerOf('parentbased_always_off', 1)(parent.traceId, undefined)).toBe(false);
    expect(samplerOf('always_on', 1)(parent.traceId, parent)).toBe(true);
  });
});

describe('a recorded span', () => {
  it('is written as OTLP JSON: hex ids, OTLP kind, Unix nanoseconds, typed attributes, status', () => {
    const ended: RecordedSpan[] = [];
    const span = recorded(ended, { 'http.route': '/graphql/web' }, 'b7ad6b7169203331');
    span.setAttribute('http.response.status_code', 200);
    span.setAttributes({ ratio: 0.5, ok: true, codes: ['A', 'B'], skipped: undefined, negative: -42 });
    span.updateName('query "Odd"\n é');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    const before = Date.now();
    span.end();
    span.setAttribute('late', 'ignored');
    expect(ended).toEqual([span]);

    const writer = new OtlpJsonWriter({ 'service.name': 'svc' }, 'scope', LIMITS);
    const [rs] = (body(writer, [span, span]) as { resourceSpans: any[] }).resourceSpans;
    expect(rs.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'svc' } }]);
    expect(rs.scopeSpans[0].scope).toEqual({ name: 'scope' });
    const [s] = rs.scopeSpans[0].spans;
    expect(rs.scopeSpans[0].spans).toHaveLength(2);
    expect(s).toMatchObject({ traceId: span.traceId, spanId: span.spanId, parentSpanId: 'b7ad6b7169203331', name: 'query "Odd"\n é', kind: 2, status: { code: 2, message: 'boom' } });
    expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(s.attributes).toEqual([
      { key: 'http.route', value: { stringValue: '/graphql/web' } },
      { key: 'http.response.status_code', value: { intValue: '200' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
      { key: 'codes', value: { arrayValue: { values: [{ stringValue: 'A' }, { stringValue: 'B' }] } } },
      { key: 'negative', value: { intValue: '-42' } },
    ]);
    const endMs = Number(BigInt(s.endTimeUnixNano) / 1_000_000n);
    expect(endMs).toBeGreaterThanOrEqual(before - 1);
    expect(endMs).toBeLessThanOrEqual(Date.now() + 1);
    expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
  });

  it('keeps at most the attribute limit, counting the rest, and cuts long strings', () => {
    const ended: RecordedSpan[] = [];
    const span = recorded(ended, { a: 'x'.repeat(10), b: 1, c: 2 });
    span.end();
    const writer = new OtlpJsonWriter({}, 'scope', { attributeCount: 2, attributeValueLength: 4, eventCount: 128 });
    const s = (body(writer, [span]) as { resourceSpans: any[] }).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.attributes).toEqual([
      { key: 'a', value: { stringValue: 'xxxx' } },
      { key: 'b', value: { intValue: '1' } },
    ]);
    expect(s.droppedAttributesCount).toBe(1);
  });

  // A lone surrogate is escaped (\ud800), not written as UTF-8 (which would turn it into U+FFFD): it reads back as sent.
  it('escapes what JSON must escape and keeps any other text as it is, in names, keys, values and the resource', () => {
    const ended: RecordedSpan[] = [];
    const odd = 'quote " backslash \\ newline \n tab \t nul \u0000 é € 😀 lone \ud800 end';
    const span = recorded(ended, { [odd]: odd, list: [odd, 3, true] });
    span.updateName(odd);
    span.setStatus({ code: SpanStatusCode.ERROR, message: odd });
    span.end();
    const writer = new OtlpJsonWriter({ 'service.name': 'café-gateway' }, 'scope', LIMITS);
    const request = body(writer, [span]) as { resourceSpans: any[] };
    const s = request.resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.name).toBe(odd);
    expect(s.status).toEqual({ code: 2, message: odd });
    expect(s.attributes[0]).toEqual({ key: odd, value: { stringValue: odd } });
    expect(s.attributes[1].value.arrayValue.values).toEqual([{ stringValue: odd }, { intValue: '3' }, { boolValue: true }]);
    expect(request.resourceSpans[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'café-gateway' } }]);
  });

  it('is its own span context, and the context made for it finds it', () => {
    const span = recorded([]);
    const context = withSpan(ROOT_CONTEXT, span);
    expect(trace.getSpan(context)).toBe(span);
    expect(trace.getSpanContext(context)).toMatchObject({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 });
    const key = Symbol('other');
    expect(context.setValue(key, 1).getValue(key)).toBe(1);
    expect(trace.getSpan(context.setValue(key, 1))).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(context))).toBeUndefined();
  });
});

describe('timestamps and settings', () => {
  it('converts performance.now() to Unix nanoseconds', () => {
    const now = performance.now();
    const nanos = BigInt(unixNanos(now));
    expect(Number(nanos / 1_000_000n)).toBeCloseTo(performance.timeOrigin + now, -1);
    expect(unixNanos(now)).toMatch(/^\d{19}$/);
  });

  it('writes every reading exactly, the microseconds within ten seconds zero-padded', () => {
    const originMicros = BigInt(Math.round(performance.timeOrigin * 1000));
    const exact = (ms: number) => String((originMicros + BigInt(Math.round(ms * 1000))) * 1000n);
    // Readings just after a ten-second boundary (leading zeros in the last seven digits), across several boundaries, and at random.
    const boundary = Number(((originMicros / 10_000_000n + 1n) * 10_000_000n - originMicros) / 1000n);
    const readings = [0, 1.5, boundary, boundary + 0.001, boundary + 0.999, boundary + 10_000.004, boundary + 20_000, ...Array.from({ length: 50 }, () => Math.random() * 1e8)];
    for (const ms of readings) expect(unixNanos(ms)).toBe(exact(ms));
  });

  it('reads the standard variables with the SDK defaults, a malformed number falling back', () => {
    expect(batchSettings({})).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, exportTimeoutMs: 30_000 });
    expect(batchSettings({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500', OTEL_BSP_EXPORT_TIMEOUT: 'soon' })).toEqual({
      maxQueueSize: 100,
      maxExportBatchSize: 100,
      exportTimeoutMs: 30_000,
    });
    expect(spanLimits({ OTEL_ATTRIBUTE_COUNT_LIMIT: '5' })).toEqual({ attributeCount: 5, attributeValueLength: Infinity, eventCount: 128 });
    const settings = exporterSettings({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%20y', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'a=2', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500' });
    expect(settings).toEqual({ headers: { a: '2', b: 'x y' }, timeoutMs: 2500, gzip: true, tls: {} });
  });
});
