/**
 * Finished spans as an OTLP/HTTP JSON body (ExportTraceServiceRequest, the
 * protobuf JSON mapping the OTLP specification defines: ids as hex strings,
 * enums as numbers, 64-bit integers as decimal strings): the resource and
 * scope once (serialized when the gateway starts), then each span from its
 * own fields, written into its batch's bytes as it ends (spanBatcher.ts says
 * why). Why by hand: the SDK's transformer builds an object per span,
 * attribute and value, and a BigInt per timestamp, for JSON.stringify to
 * walk again; here a span's JSON is one template string from its own
 * fields, copied into the body's Buffer (jsonBytes.ts) as the span ends, and
 * only strings that need escaping go through JSON.stringify.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { JsonBytes } from './jsonBytes';
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
    const attributes = this.attributes(resource, Infinity);
    this.head = `{"resourceSpans":[{"resource":{"attributes":${attributes}},"scopeSpans":[{"scope":{"name":${JSON.stringify(scopeName)}},"spans":[`;
  }

  /**
   * One finished span's JSON (a Span message), appended to `out`: made as
   * one string and written with one copy. Why not field by field into the
   * bytes: each write into a Buffer is a call into node's C++ (some 30 per
   * span), which cost more than the one string a span's JSON makes (2.9 µs
   * against 1.6 µs per request span, measured in a loop); the string dies
   * with the request that ended the span, long before a scavenge.
   */
  span(out: JsonBytes, s: RecordedSpan): void {
    let json = `{"traceId":"${s.traceId}","spanId":"${s.spanId}"`;
    if (s.traceState) json += `,"traceState":${quoted(s.traceState.serialize())}`;
    if (s.parentSpanId) json += `,"parentSpanId":"${s.parentSpanId}"`;
    // OTLP's SpanKind counts from 1 (INTERNAL), the API's from 0.
    json += `,"name":${quoted(s.name)},"kind":${s.kind + 1},"startTimeUnixNano":"${unixNanos(s.startAt)}","endTimeUnixNano":"${unixNanos(s.endAt)}","attributes":${this.attributes(s.attributes, this.limits.attributeCount)}`;
    if (this.dropped > 0) json += `,"droppedAttributesCount":${this.dropped}`;
    if (s.events) json += this.events(s);
    if (s.links) {
      json += ',"links":[';
      s.links.forEach((l, i) => {
        json += `${i > 0 ? ',' : ''}{"traceId":"${l.context.traceId}","spanId":"${l.context.spanId}","attributes":${this.attributes(l.attributes ?? {}, this.limits.attributeCount)}}`;
      });
      json += ']';
    }
    if (s.statusCode !== 0) json += `,"status":{"code":${s.statusCode}${s.statusMessage ? `,"message":${quoted(s.statusMessage)}` : ''}}`;
    out.text(`${json}}`);
  }

  private events(s: RecordedSpan): string {
    let json = ',"events":[';
    (s.events ?? []).slice(0, this.limits.eventCount).forEach((e, i) => {
      json += `${i > 0 ? ',' : ''}{"timeUnixNano":"${unixNanos(e.at)}","name":${quoted(e.name)},"attributes":${this.attributes(e.attributes ?? {}, this.limits.attributeCount)}}`;
    });
    return `${json}]`;
  }

  /** An attribute list; sets `dropped` to the attributes past `limit` it left out. */
  private attributes(attributes: Attributes, limit: number): string {
    let json = '[';
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
      json += `${n++ > 0 ? ',' : ''}${this.key(key)}${this.value(value)}}`;
    }
    return `${json}]`;
  }

  private key(key: string): string {
    let k = this.keys.get(key);
    if (k === undefined) {
      k = `{"key":${JSON.stringify(key)},"value":`;
      if (this.keys.size < 1000) this.keys.set(key, k);
    }
    return k;
  }

  private value(value: AttributeValue): string {
    switch (typeof value) {
      case 'string':
        return `{"stringValue":${quoted(value.length > this.limits.attributeValueLength ? value.slice(0, this.limits.attributeValueLength) : value)}}`;
      case 'number':
        if (Number.isSafeInteger(value)) return `{"intValue":"${value}"}`;
        return Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"doubleValue":"${value}"}`;
      case 'boolean':
        return value ? '{"boolValue":true}' : '{"boolValue":false}';
      default: {
        let json = '{"arrayValue":{"values":[';
        (value as unknown[]).forEach((v, i) => {
          if (i > 0) json += ',';
          json += v === null || v === undefined || typeof v === 'object' ? '{}' : this.value(v as AttributeValue);
        });
        return `${json}]}}`;
      }
    }
  }
}

/** A JSON string: quoted as it is when it needs no escaping (the usual case), else through JSON.stringify. */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * A `performance.now()` reading as Unix nanoseconds, to the microsecond:
 * Unix microseconds (about 1.8e15) are still an exact integer in a double,
 * where nanoseconds (1.8e18) are not. Written as two small integers, the
 * tens of seconds and the microseconds within them (zero-padded to seven
 * digits): a number that large is printed by the slow path of V8's
 * number-to-text conversion, and there are two per span; the first part
 * changes every ten seconds and is kept as text.
 */
export function unixNanos(performanceMs: number): string {
  const micros = ORIGIN_MICROS + Math.round(performanceMs * 1000);
  const tens = Math.floor(micros / 1e7);
  if (tens !== lastTens) {
    lastTens = tens;
    lastTensText = String(tens);
  }
  // 1e7 + (micros within the ten seconds) has eight digits: its last seven are the zero-padded part.
  return `${lastTensText}${String(1e7 + (micros - tens * 1e7)).slice(1)}000`;
}

const ORIGIN_MICROS = Math.round(performance.timeOrigin * 1000);
let lastTens = -1;
let lastTensText = '';
