/**
 * Finished spans as an OTLP/HTTP JSON body (ExportTraceServiceRequest, the
 * protobuf JSON mapping the OTLP specification defines: ids as hex strings,
 * enums as numbers, 64-bit integers as decimal strings): the resource and
 * scope once (serialized when the gateway starts), then each span from its
 * own fields, written as it ends (spanBatcher.ts says why). Why by hand: the
 * SDK's transformer builds an object per span, attribute and value, and a
 * BigInt per timestamp, for JSON.stringify to walk again; here only strings
 * that may need escaping (names, attribute strings) go through
 * JSON.stringify.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { RecordedSpan } from './recordedSpan';

/** Span limits of the OTEL_SPAN_* variables, applied as a span is written (exporterSettings.ts). */
export interface SpanLimits {
  /** Attributes kept per span (and per event); default 128. */
  attributeCount: number;
  /** Longest string attribute value kept, in characters; Infinity: no limit. */
  attributeValueLength: number;
  /** Events kept per span; default 128. */
  eventCount: number;
}

/**
 * Writes the spans of one resource and scope: an export body is `head`,
 * the spans' JSON separated by commas, and `tail`.
 */
export class OtlpJsonWriter {
  readonly head: string;
  readonly tail = ']}]}]}';
  private readonly keys = new Map<string, string>();

  constructor(
    resource: Attributes,
    scopeName: string,
    private readonly limits: SpanLimits,
  ) {
    this.head = `{"resourceSpans":[{"resource":{"attributes":${this.attributes(resource, Infinity)}},"scopeSpans":[{"scope":{"name":${JSON.stringify(scopeName)}},"spans":[`;
  }

  /** One finished span's JSON (a Span message). */
  span(s: RecordedSpan): string {
    let out = `{"traceId":"${s.traceId}","spanId":"${s.spanId}"`;
    if (s.traceState) out += `,"traceState":${JSON.stringify(s.traceState.serialize())}`;
    if (s.parentSpanId) out += `,"parentSpanId":"${s.parentSpanId}"`;
    // OTLP's SpanKind counts from 1 (INTERNAL), the API's from 0.
    out += `,"name":${JSON.stringify(s.name)},"kind":${s.kind + 1},"startTimeUnixNano":"${unixNanos(s.startAt)}","endTimeUnixNano":"${unixNanos(s.endAt)}"`;
    out += `,"attributes":${this.attributes(s.attributes, this.limits.attributeCount)}`;
    if (this.dropped > 0) out += `,"droppedAttributesCount":${this.dropped}`;
    if (s.events) out += `,"events":${this.events(s)}`;
    if (s.links) {
      out += `,"links":[${s.links
        .map((l) => `{"traceId":"${l.context.traceId}","spanId":"${l.context.spanId}","attributes":${this.attributes(l.attributes ?? {}, this.limits.attributeCount)}}`)
        .join(',')}]`;
    }
    if (s.statusCode !== 0) out += `,"status":{"code":${s.statusCode}${s.statusMessage ? `,"message":${JSON.stringify(s.statusMessage)}` : ''}}`;
    return `${out}}`;
  }

  private events(s: RecordedSpan): string {
    const events = (s.events ?? []).slice(0, this.limits.eventCount);
    return `[${events.map((e) => `{"timeUnixNano":"${unixNanos(e.at)}","name":${JSON.stringify(e.name)},"attributes":${this.attributes(e.attributes ?? {}, this.limits.attributeCount)}}`).join(',')}]`;
  }

  /** The attributes beyond the limit that the last `attributes` call left out. */
  private dropped = 0;

  private attributes(attributes: Attributes, limit: number): string {
    let out = '[';
    let n = 0;
    this.dropped = 0;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      if (n >= limit) {
        this.dropped++;
        continue;
      }
      const v = this.value(value);
      if (v === null) continue;
      if (n++ > 0) out += ',';
      out += this.key(key) + v + '}';
    }
    return `${out}]`;
  }

  /** `{"key":"…","value":` for a key, made once per key name (the instrumented places use a few dozen). */
  private key(key: string): string {
    let k = this.keys.get(key);
    if (k === undefined) {
      k = `{"key":${JSON.stringify(key)},"value":`;
      if (this.keys.size < 1000) this.keys.set(key, k);
    }
    return k;
  }

  private value(value: AttributeValue): string | null {
    switch (typeof value) {
      case 'string':
        return `{"stringValue":${JSON.stringify(value.length > this.limits.attributeValueLength ? value.slice(0, this.limits.attributeValueLength) : value)}}`;
      case 'number':
        return Number.isInteger(value) ? `{"intValue":"${value}"}` : Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"doubleValue":"${value}"}`;
      case 'boolean':
        return `{"boolValue":${value}}`;
      default:
        if (!Array.isArray(value)) return null;
        return `{"arrayValue":{"values":[${(value as unknown[])
          .map((v) => (v === null || v === undefined ? '{}' : (this.value(v as AttributeValue) ?? '{}')))
          .join(',')}]}}`;
    }
  }
}

/**
 * A `performance.now()` reading as Unix nanoseconds, a decimal string, to
 * the microsecond: Unix microseconds (about 1.8e15) are still an exact
 * integer in a double, where nanoseconds (1.8e18) are not.
 */
export function unixNanos(performanceMs: number): string {
  return `${Math.round((performance.timeOrigin + performanceMs) * 1000)}000`;
}
