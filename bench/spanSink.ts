/**
 * The collector of the tracing scenario: a node:http server on 127.0.0.1,
 * port 0, in the bench's own process, that takes OTLP/HTTP trace exports
 * (`POST /v1/traces`, JSON or protobuf, gzip or not), answers 200 and counts
 * the spans.
 *
 * Why counting and not decoding: under load the gateway exports tens of
 * thousands of spans a second, and this server shares the machine (and the
 * bench's event loop, with the load generator). So a span is counted where it
 * is cheapest: in JSON one `"startTimeUnixNano"` key per span (events and links
 * have none), found with Buffer.indexOf; in protobuf one length-delimited
 * `spans` field per ScopeSpans, found by skipping over fields without reading
 * them. Which gateway sent an export is read the same way: each gateway has its
 * own service name, and an export carries its resource's (one provider, one
 * resource per export). Only while `detail` is set (the settings check, a
 * handful of requests) are exports decoded, to count each trace's spans and
 * name its root.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One trace as received while `detail` was set: its root span's name and its span count. */
export interface ReceivedTrace {
  root: string | null;
  spans: number;
}

export interface SpanSink {
  /** The OTLP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); the exporter appends `/v1/traces`. */
  readonly url: string;
  /** Spans received so far. */
  readonly spans: number;
  /** Export requests answered 200. */
  readonly exports: number;
  /** Requests that were not an OTLP trace export (other path or type, undecodable body): answered 4xx. */
  readonly rejected: number;
  /** Spans received from the gateway whose service name is `service` (one of those given at the start). */
  spansOf(service: string): number;
  /** Decode exports into traces (true), or only count their spans (false, the default). */
  detail: boolean;
  /** The traces received while `detail` was set, by trace id. */
  readonly traces: ReadonlyMap<string, ReceivedTrace>;
  close(): Promise<void>;
}

export async function startSpanSink(services: readonly string[]): Promise<SpanSink> {
  let spans = 0;
  let exports = 0;
  let rejected = 0;
  const byService = new Map(services.map((s) => [s, 0]));
  const names = services.map((s) => [s, Buffer.from(s)] as const);
  const traces = new Map<string, ReceivedTrace>();
  const sink = {
    detail: false,
    get url() {
      return url;
    },
    get spans() {
      return spans;
    },
    get exports() {
      return exports;
    },
    get rejected() {
      return rejected;
    },
    spansOf: (service: string) => byService.get(service) ?? 0,
    traces,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const protobuf = (req.headers['content-type'] ?? '').startsWith('application/x-protobuf');
      let count: number;
      try {
        if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error('not a trace export');
        const body = decompress(req, Buffer.concat(chunks));
        count = protobuf ? countProtobufSpans(body) : countJsonSpans(body);
        const sender = names.find(([, bytes]) => body.includes(bytes));
        if (sender) byService.set(sender[0], (byService.get(sender[0]) ?? 0) + count);
        if (sink.detail) for (const t of protobuf ? protobufTraces(body) : jsonTraces(body)) addTrace(traces, t);
      } catch {
        rejected++;
        res.writeHead(400).end();
        return;
      }
      spans += count;
      exports++;
      // An empty ExportTraceServiceResponse: no partial success to report.
      if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

function decompress(req: IncomingMessage, body: Buffer): Buffer {
  const encoding = req.headers['content-encoding'];
  if (!encoding || encoding === 'identity') return body;
  if (encoding === 'gzip') return gunzipSync(body);
  throw new Error(`content-encoding ${encoding}`);
}

const START_KEY = Buffer.from('"startTimeUnixNano"');

function countJsonSpans(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(START_KEY); at !== -1; at = body.indexOf(START_KEY, at + START_KEY.length)) count++;
  return count;
}

interface SpanRef {
  traceId: string;
  parent: boolean;
  name: string;
}

function addTrace(traces: Map<string, ReceivedTrace>, span: SpanRef): void {
  const trace = traces.get(span.traceId) ?? { root: null, spans: 0 };
  trace.spans++;
  if (!span.parent) trace.root = span.name;
  traces.set(span.traceId, trace);
}

interface JsonExport {
  resourceSpans?: { scopeSpans?: { spans?: { traceId: string; parentSpanId?: string; name: string }[] }[] }[];
}

function jsonTraces(body: Buffer): SpanRef[] {
  const parsed = JSON.parse(body.toString('utf8')) as JsonExport;
  return (parsed.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({ traceId: s.traceId, parent: Boolean(s.parentSpanId), name: s.name }))),
  );
}

// Protobuf (opentelemetry/proto/trace/v1): TracesData.resource_spans = 1, ResourceSpans.scope_spans = 2,
// ScopeSpans.spans = 2; Span.trace_id = 1, parent_span_id = 4, name = 5.

function varint(buf: Buffer, at: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= buf.length) throw new Error('truncated varint');
    const byte = buf[at++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
}

/** Calls `visit(field, from, to)` for each length-delimited field of the message in buf[start, end). */
function eachField(buf: Buffer, start: number, end: number, visit: (field: number, from: number, to: number) => void): void {
  for (let at = start; at < end; ) {
    const [key, afterKey] = varint(buf, at);
    const wire = key % 8;
    if (wire === 0) at = varint(buf, afterKey)[1];
    else if (wire === 1) at = afterKey + 8;
    else if (wire === 5) at = afterKey + 4;
    else if (wire === 2) {
      const [length, from] = varint(buf, afterKey);
      if (from + length > end) throw new Error('truncated field');
      visit(Math.floor(key / 8), from, from + length);
      at = from + length;
    } else throw new Error(`wire type ${wire}`);
  }
}

/** Calls `visit` with the bounds of every Span of a TracesData message. */
function eachProtobufSpan(body: Buffer, visit: (from: number, to: number) => void): void {
  eachField(body, 0, body.length, (field, from, to) => {
    if (field !== 1) return;
    eachField(body, from, to, (rsField, ssFrom, ssTo) => {
      if (rsField !== 2) return;
      eachField(body, ssFrom, ssTo, (ssField, spanFrom, spanTo) => {
        if (ssField === 2) visit(spanFrom, spanTo);
      });
    });
  });
}

function countProtobufSpans(body: Buffer): number {
  let count = 0;
  eachProtobufSpan(body, () => count++);
  return count;
}

function protobufTraces(body: Buffer): SpanRef[] {
  const refs: SpanRef[] = [];
  eachProtobufSpan(body, (from, to) => {
    const span: SpanRef = { traceId: '', parent: false, name: '' };
    eachField(body, from, to, (field, a, b) => {
      if (field === 1) span.traceId = body.toString('hex', a, b);
      else if (field === 4) span.parent = b > a;
      else if (field === 5) span.name = body.toString('utf8', a, b);
    });
    refs.push(span);
  });
  return refs;
}
