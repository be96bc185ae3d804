/**
 * Finished spans as an OTLP/HTTP JSON body (ExportTraceServiceRequest, the
 * protobuf JSON mapping the OTLP specification defines: ids as hex strings,
 * enums as numbers, 64-bit integers as decimal strings): the resource and
 * scope once (serialized when the gateway starts), then each span from its
 * own fields, written into its batch's bytes as it ends (spanBatcher.ts says
 * why). Why by hand: the SDK's transformer builds an object per span,
 * attribute and value, and a BigInt per timestamp, for JSON.stringify to
 * walk again; here a span's fields go into the body's Buffer one by one
 * (jsonBytes.ts), and only strings that need escaping through JSON.stringify.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { JsonBytes } from './jsonBytes';
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
  /** `{"key":"…","value":` per key name, made once (the instrumented places use a few dozen). */
  private readonly keys = new Map<string, string>();
  /** The attributes beyond the limit that the last `attributes` call left out. */
  private dropped = 0;

  constructor(
    resource: Attributes,
    scopeName: string,
    private readonly limits: SpanLimits,
  ) {
    const out = new JsonBytes(1024);
    this.attributes(out, resource, Infinity);
    const attributes = out.bytes.toString('utf8', 0, out.used);
    this.head = `{"resourceSpans":[{"resource":{"attributes":${attributes}},"scopeSpans":[{"scope":{"name":${JSON.stringify(scopeName)}},"spans":[`;
  }

  /** One finished span's JSON (a Span message), appended to `out`. */
  span(out: JsonBytes, s: RecordedSpan): void {
    out.ascii('{"traceId":"');
    out.ascii(s.traceId);
    out.ascii('","spanId":"');
    out.ascii(s.spanId);
    out.byte(QUOTE);
    if (s.traceState) {
      out.ascii(',"traceState":');
      out.string(s.traceState.serialize());
    }
    if (s.parentSpanId) {
      out.ascii(',"parentSpanId":"');
      out.ascii(s.parentSpanId);
      out.byte(QUOTE);
    }
    out.ascii(',"name":');
    out.string(s.name);
    // OTLP's SpanKind counts from 1 (INTERNAL), the API's from 0.
    out.ascii(',"kind":');
    out.digits(s.kind + 1);
    out.ascii(',"startTimeUnixNano":"');
    nanos(out, s.startAt);
    out.ascii('","endTimeUnixNano":"');
    nanos(out, s.endAt);
    out.ascii('","attributes":');
    this.attributes(out, s.attributes, this.limits.attributeCount);
    if (this.dropped > 0) {
      out.ascii(',"droppedAttributesCount":');
      out.digits(this.dropped);
    }
    if (s.events) this.events(out, s);
    if (s.links) {
      out.ascii(',"links":[');
      s.links.forEach((l, i) => {
        out.ascii(i > 0 ? ',{"traceId":"' : '{"traceId":"');
        out.ascii(l.context.traceId);
        out.ascii('","spanId":"');
        out.ascii(l.context.spanId);
        out.ascii('","attributes":');
        this.attributes(out, l.attributes ?? {}, this.limits.attributeCount);
        out.byte(0x7d);
      });
      out.byte(0x5d);
    }
    if (s.statusCode !== 0) {
      out.ascii(',"status":{"code":');
      out.digits(s.statusCode);
      if (s.statusMessage) {
        out.ascii(',"message":');
        out.string(s.statusMessage);
      }
      out.byte(0x7d);
    }
    out.byte(0x7d);
  }

  private events(out: JsonBytes, s: RecordedSpan): void {
    out.ascii(',"events":[');
    (s.events ?? []).slice(0, this.limits.eventCount).forEach((e, i) => {
      out.ascii(i > 0 ? ',{"timeUnixNano":"' : '{"timeUnixNano":"');
      nanos(out, e.at);
      out.ascii('","name":');
      out.string(e.name);
      out.ascii(',"attributes":');
      this.attributes(out, e.attributes ?? {}, this.limits.attributeCount);
      out.byte(0x7d);
    });
    out.byte(0x5d);
  }

  private attributes(out: JsonBytes, attributes: Attributes, limit: number): void {
    out.byte(0x5b);
    let n = 0;
    this.dropped = 0;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      if (n >= limit) {
        this.dropped++;
        continue;
      }
      if (typeof value === 'object' && !Array.isArray(value)) continue;
      if (n++ > 0) out.byte(0x2c);
      out.ascii(this.key(key));
      this.value(out, value);
      out.byte(0x7d);
    }
    out.byte(0x5d);
  }

  private key(key: string): string {
    let k = this.keys.get(key);
    if (k === undefined) {
      // Escaped as JSON and then as bytes: written with `ascii` only when it is ASCII.
      const json = JSON.stringify(key);
      k = `{"key":${/^[\x20-\x7e]*$/.test(json) ? json : JSON.stringify(key.replace(/[^\x20-\x7e]/g, '?'))},"value":`;
      if (this.keys.size < 1000) this.keys.set(key, k);
    }
    return k;
  }

  private value(out: JsonBytes, value: AttributeValue): void {
    switch (typeof value) {
      case 'string':
        out.ascii('{"stringValue":');
        out.string(value.length > this.limits.attributeValueLength ? value.slice(0, this.limits.attributeValueLength) : value);
        out.byte(0x7d);
        return;
      case 'number':
        if (Number.isSafeInteger(value)) {
          out.ascii(value < 0 ? '{"intValue":"-' : '{"intValue":"');
          out.digits(Math.abs(value));
          out.ascii('"}');
        } else out.ascii(Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"doubleValue":"${value}"}`);
        return;
      case 'boolean':
        out.ascii(value ? '{"boolValue":true}' : '{"boolValue":false}');
        return;
      default:
        out.ascii('{"arrayValue":{"values":[');
        (value as unknown[]).forEach((v, i) => {
          if (i > 0) out.byte(0x2c);
          if (v === null || v === undefined || typeof v === 'object') out.ascii('{}');
          else this.value(out, v as AttributeValue);
        });
        out.ascii(']}}');
    }
  }
}

const QUOTE = 0x22;

/**
 * A `performance.now()` reading as Unix nanoseconds, to the microsecond:
 * Unix microseconds (about 1.8e15) are still an exact integer in a double,
 * where nanoseconds (1.8e18) are not.
 */
function nanos(out: JsonBytes, performanceMs: number): void {
  out.digits(Math.round((performance.timeOrigin + performanceMs) * 1000));
  out.ascii('000');
}

/** The same, as a string. */
export function unixNanos(performanceMs: number): string {
  return `${Math.round((performance.timeOrigin + performanceMs) * 1000)}000`;
}
