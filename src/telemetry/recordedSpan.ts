/**
 * The gateway's own span: what the OpenTelemetry SDK's Span records, for a
 * fraction of its cost per span (README "Tracing" has the figures). A
 * request makes a span per phase, batch, downstream call and Redis round
 * trip, so their cost is paid thousands of times a second at full sampling.
 *
 * What is left out, and why it is cheap to leave out: the SDK's Span copies
 * and sanitises every attribute as it is set, keeps its times as
 * [seconds, nanoseconds] pairs converted from `performance.now()` at start
 * and end, resolves span limits per span, and hands each finished span to
 * its processors through a ReadableSpan with getters. Here the attributes
 * are one plain object (the instrumented places pass literals made for the
 * span; limits are applied once, at export), times are two
 * `performance.now()` readings (converted to Unix nanoseconds at export),
 * ids come from a pooled random buffer, and the span itself is what the
 * batcher queues and the serializer reads (otlpJson.ts).
 *
 * It implements the API's Span, so the instrumented places (and
 * `trace.setSpan` contexts) are the same as with the SDK.
 */
import { randomFillSync } from 'node:crypto';
import type { Attributes, AttributeValue, Exception, HrTime, Link, Span, SpanContext, SpanKind, SpanStatus, TimeInput, TraceState } from '@opentelemetry/api';

/** What a finished span is handed to (spanBatcher.ts). */
export interface SpanSink {
  ended(span: RecordedSpan): void;
}

export interface SpanEvent {
  name: string;
  /** `performance.now()` of the event. */
  at: number;
  attributes: Attributes | undefined;
}

export class RecordedSpan implements Span, SpanContext {
  /** Sampled: an unsampled span is never a RecordedSpan (provider.ts). */
  readonly traceFlags = 1;
  /** `performance.now()` at end; -1 while the span runs. */
  endAt = -1;
  statusCode = 0;
  statusMessage: string | undefined;
  events: SpanEvent[] | undefined;
  links: Link[] | undefined;

  constructor(
    private readonly sink: SpanSink,
    readonly traceId: string,
    readonly spanId: string,
    /** The parent's span id; '' for a root. */
    readonly parentSpanId: string,
    readonly traceState: TraceState | undefined,
    public name: string,
    readonly kind: SpanKind,
    readonly attributes: Attributes,
    /** `performance.now()` at start. */
    readonly startAt: number,
  ) {}

  /** The span is its own SpanContext (ids, flags, trace state): no object per span for it. */
  spanContext(): SpanContext {
    return this;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (this.endAt < 0 && value !== undefined && value !== null) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (this.endAt >= 0) return this;
    for (const key in attributes) {
      const value = attributes[key];
      if (value !== undefined && value !== null) this.attributes[key] = value;
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endAt >= 0) return this;
    const timed = isTimeInput(attributesOrTime);
    const at = toPerformanceMs(timed ? attributesOrTime : time);
    (this.events ??= []).push({ name, at, attributes: timed ? undefined : (attributesOrTime as Attributes | undefined) });
    return this;
  }

  addLink(link: Link): this {
    if (this.endAt < 0) (this.links ??= []).push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endAt >= 0) return this;
    this.statusCode = status.code;
    this.statusMessage = status.message;
    return this;
  }

  updateName(name: string): this {
    if (this.endAt < 0) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endAt >= 0) return;
    this.endAt = endTime === undefined ? performance.now() : toPerformanceMs(endTime);
    this.sink.ended(this);
  }

  isRecording(): boolean {
    return this.endAt < 0;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const e = typeof exception === 'string' ? { message: exception } : exception;
    const attributes: Attributes = {};
    if ('name' in e && e.name) attributes['exception.type'] = e.name;
    else if ('code' in e && e.code !== undefined) attributes['exception.type'] = String(e.code);
    if (e.message) attributes['exception.message'] = e.message;
    if (e.stack) attributes['exception.stacktrace'] = e.stack;
    this.addEvent('exception', attributes, time);
  }
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number');
}

/** A TimeInput (epoch ms, a Date, an epoch HrTime, or a performance.now() reading) as `performance.now()` ms; now when absent. */
export function toPerformanceMs(time: TimeInput | undefined): number {
  if (time === undefined) return performance.now();
  if (typeof time === 'number') return time < performance.timeOrigin ? time : time - performance.timeOrigin;
  if (time instanceof Date) return time.getTime() - performance.timeOrigin;
  const [s, ns] = time as HrTime;
  return s * 1000 + ns / 1e6 - performance.timeOrigin;
}

/**
 * Trace and span ids from a buffer of random bytes, refilled 4 KiB at a
 * time and hex-encoded once per refill: an id is a substring of that text,
 * one `randomFillSync` and one hex conversion per ~250 span ids instead of
 * a crypto call and an encoding per id.
 */
export class IdPool {
  private readonly bytes = Buffer.allocUnsafe(4096);
  private hex = '';
  /** Next hex digit to hand out. */
  private at = 0;

  traceId(): string {
    return this.take(32);
  }

  spanId(): string {
    return this.take(16);
  }

  private take(digits: number): string {
    for (;;) {
      if (this.at + digits > this.hex.length) {
        randomFillSync(this.bytes);
        this.hex = this.bytes.toString('hex');
        this.at = 0;
      }
      const id = this.hex.slice(this.at, (this.at += digits));
      // All zeros is the invalid id: take the next digits (about never).
      if (id !== (digits === 32 ? INVALID_TRACE_ID : INVALID_SPAN_ID)) return id;
    }
  }
}

const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);
