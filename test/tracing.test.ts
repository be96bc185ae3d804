/**
 * Tracing, end to end: gateways export to an OTLP/HTTP receiver this test
 * starts (JSON bodies, as the exporter sends them), and the demo services
 * record the `traceparent` each call brought. One WebProductPage must arrive
 * as one tree: a single root `query WebProductPage`, the phases and the
 * loader batches under it, each downstream call's client span under its
 * batch, and that span's id in the traceparent the service received.
 *
 * `PRINT_TRACE=1 npx jest test/tracing.test.ts` prints the trees, with durations.
 *
 * Each gateway has its own receiver: two gateways in one process share no
 * tracing state, so each receiver gets its own gateway's spans only.
 */
import { request } from 'undici';
import { DEFAULT_CACHE, DEFAULT_HTTP, DEFAULT_SHEDDING, DEFAULT_TRACING, type GatewayConfig, type TracingOptions } from '../src/config';
import type { DemoRequest } from '../src/demo';
import { startDemoServices, type DemoServices } from '../src/demo';
import { operation } from './helpers/contract';
import { capturedLogs } from './helpers/logs';
import { printTree, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './helpers/otlpReceiver';
import { REFUSING_URL } from './helpers/ports';
import { deleteUnder, SHARED_REDIS_URL, testPrefix, waitFor } from './helpers/redis';
import { startGateway, type GatewayUnderTest } from './helpers/stack';

const SERVER = 2;
const CLIENT = 3;

let demo: DemoServices;
const receivers: OtlpReceiver[] = [];
const gateways: GatewayUnderTest[] = [];
const prefix = testPrefix('tracing');

beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(async () => {
  for (const g of gateways) await g.gateway.close();
  for (const r of receivers) await r.close();
  await demo.close();
  await deleteUnder(SHARED_REDIS_URL, prefix);
});

/**
 * No event-loop bound on shedding: building a gateway (compiling every trusted
 * document) can stall a loaded machine's loop for a second, and the request
 * that follows would be refused 503 for it. Shedding is not what these tests are about.
 */
const NO_LOOP_SHEDDING: Partial<GatewayConfig> = { http: { ...DEFAULT_HTTP, shedding: { ...DEFAULT_SHEDDING, maxEventLoopDelayMs: 0 } } };

/** A gateway exporting to a receiver of its own, every 20 ms. */
async function tracedGateway(tracing: Partial<TracingOptions> = {}, options: { redis?: boolean; logs?: ReturnType<typeof capturedLogs> } = {}) {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  const instance = await startGateway(demo.urls, {
    config: {
      ...NO_LOOP_SHEDDING,
      tracing: { ...DEFAULT_TRACING, endpoint: receiver.url, scheduleDelayMs: 20, ...tracing },
      cache: { ...DEFAULT_CACHE, responseCache: false, ...(options.redis ? { redisUrl: SHARED_REDIS_URL, prefix, redisCommandTimeoutMs: 1000 } : {}) },
    },
    ...(options.logs ? { logger: options.logs.logger } : {}),
  });
  gateways.push(instance);
  return { ...instance, receiver };
}

/** Runs WebProductPage cold and returns the services' log of it. */
async function productPage(g: GatewayUnderTest, headers: Record<string, string> = {}) {
  const op = operation('WebProductPage');
  g.gateway.clearLocalCaches();
  demo.resetRequests();
  const requestId = `trace-${Math.random().toString(36).slice(2)}`;
  const result = await g.graphql('web', op.document, op.variables, { 'x-request-id': requestId, ...headers });
  expect(result.status).toBe(200);
  expect(result.body.errors).toBeUndefined();
  return { requestId, calls: demo.requests() };
}

/** The spans of the request with this id, once its root and one client span per downstream call have arrived. */
async function traceOf(receiver: OtlpReceiver, requestId: string, calls: DemoRequest[]): Promise<ReceivedSpan[]> {
  let spans: ReceivedSpan[] = [];
  await waitFor(() => {
    const root = receiver.spans.find((s) => s.attributes['bff.request_id'] === requestId);
    spans = root ? receiver.spans.filter((s) => s.traceId === root.traceId) : [];
    return root !== undefined && spans.filter((s) => s.kind === CLIENT).length >= calls.length;
  }, `the spans of ${requestId}`);
  return spans;
}

function parsedTraceparent(value: string | undefined) {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/.exec(value ?? '');
  if (!match) throw new Error(`not a traceparent: ${value}`);
  return { traceId: match[1] as string, spanId: match[2] as string, sampled: match[3] === '1' };
}

const CLIENT_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('one WebProductPage, traced', () => {
  it('arrives as one tree: a root named after the operation, phases, batches, and a client span per downstream call', async () => {
    const logs = capturedLogs();
    const g = await tracedGateway({}, { logs });
    const { requestId, calls } = await productPage(g);
    expect(calls).toHaveLength(8);
    const spans = await traceOf(g.receiver, requestId, calls);
    const tree = printTree(spans);

    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(['query WebProductPage']);
    const [root] = roots as [ReceivedSpan];
    expect(root.kind).toBe(SERVER);
    expect(root.service).toBe('storefront-bff-gateway');
    expect(root.attributes).toMatchObject({ 'http.route': '/graphql/web', 'http.response.status_code': 200, 'graphql.operation.name': 'WebProductPage' });
    // Every parent is a span of this trace.
    const ids = new Set(spans.map((s) => s.spanId));
    for (const s of spans) if (s.parentSpanId) expect({ span: s.name, parentFound: ids.has(s.parentSpanId) }).toEqual({ span: s.name, parentFound: true });

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const execute = spans.find((s) => s.name === 'graphql.execute');
    expect(execute?.parentSpanId).toBe(root.spanId);
    for (const phase of spans.filter((s) => s.name === 'graphql.parse' || s.name === 'graphql.validate')) expect(phase.parentSpanId).toBe(root.spanId);

    // Each downstream call: a client span under its loader batch, whose span says what the cache did.
    const clients = spans.filter((s) => s.kind === CLIENT);
    expect(clients).toHaveLength(8);
    for (const client of clients) {
      expect(client.attributes['peer.service']).toEqual(expect.any(String));
      expect(client.attributes['http.response.status_code']).toBe(200);
      const batch = byId.get(client.parentSpanId as string) as ReceivedSpan;
      expect(batch.name).toMatch(/^readThrough /);
      expect(batch.attributes).toMatchObject({ 'bff.cache.outcome': 'miss', 'bff.cache.keys': expect.any(Number), 'bff.cache.misses': expect.any(Number) });
      expect(batch.parentSpanId).toBe(execute?.spanId);
    }

    // What each service received is the client span that called it, in this trace.
    const clientIds = new Set(clients.map((s) => s.spanId));
    for (const call of calls) {
      const received = parsedTraceparent(call.traceparent);
      expect(received.traceId).toBe(root.traceId);
      expect(clientIds.has(received.spanId)).toBe(true);
      expect(received.sampled).toBe(true);
    }

    // The request's log line carries the trace id.
    await waitFor(() => logs.lines.some((l) => l.requestId === requestId), 'the request line');
    expect(logs.lines.find((l) => l.requestId === requestId)?.traceId).toBe(root.traceId);
    if (process.env.PRINT_TRACE) process.stdout.write(`\nWebProductPage, cold, no Redis:\n${tree}\n`);
  });

  it('with Redis: one span per pipeline, under the execution (reads) and the request (the write after the response)', async () => {
    const g = await tracedGateway({}, { redis: true });
    await waitFor(() => g.gateway.cache.l2?.ready === true, 'Redis to be connected');
    const { requestId, calls } = await productPage(g);
    await g.gateway.settled();
    let spans: ReceivedSpan[] = [];
    await waitFor(async () => {
      spans = await traceOf(g.receiver, requestId, calls);
      return spans.some((s) => s.name === 'redis write');
    }, 'the redis write span');
    const root = spans.find((s) => !s.parentSpanId) as ReceivedSpan;
    const execute = spans.find((s) => s.name === 'graphql.execute') as ReceivedSpan;
    const reads = spans.filter((s) => s.name === 'redis read');
    expect(reads.length).toBeGreaterThanOrEqual(1);
    for (const read of reads) {
      expect(read.parentSpanId).toBe(execute.spanId);
      expect(read.attributes).toMatchObject({ 'db.system.name': 'redis', 'db.operation.name': 'PIPELINE' });
    }
    expect(spans.find((s) => s.name === 'redis write')?.parentSpanId).toBe(root.spanId);
    if (process.env.PRINT_TRACE) process.stdout.write(`\nWebProductPage, cold, with Redis:\n${printTree(spans)}\n`);
  });
});

describe('the phases', () => {
  it('a document Apollo has not seen is parsed and validated under the request span, named by its operation type when anonymous', async () => {
    const g = await tracedGateway();
    const requestId = `adhoc-${Math.random().toString(36).slice(2)}`;
    const result = await g.graphql('web', '{ product(id: "p-0002") { id name } }', undefined, { 'x-request-id': requestId });
    expect(result.status).toBe(200);
    let spans: ReceivedSpan[] = [];
    await waitFor(() => {
      const root = g.receiver.spans.find((s) => s.attributes['bff.request_id'] === requestId);
      spans = root ? g.receiver.spans.filter((s) => s.traceId === root.traceId) : [];
      return spans.some((s) => s.name === 'graphql.execute');
    }, 'the ad hoc request spans');
    const root = spans.find((s) => !s.parentSpanId) as ReceivedSpan;
    expect(root.name).toBe('query');
    for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      expect(spans.find((s) => s.name === phase)?.parentSpanId).toBe(root.spanId);
    }
  });

  it('a request refused before Apollo keeps its HTTP name and status', async () => {
    const g = await tracedGateway();
    const requestId = `refused-${Math.random().toString(36).slice(2)}`;
    const res = await request(`${g.url}/graphql/web`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: '{"query": ' });
    expect(res.statusCode).toBe(400);
    await res.body.dump();
    await waitFor(() => g.receiver.spans.some((s) => s.attributes['bff.request_id'] === requestId), 'the refused request span');
    const span = g.receiver.spans.find((s) => s.attributes['bff.request_id'] === requestId) as ReceivedSpan;
    expect(span).toMatchObject({ name: 'POST /graphql/web', kind: SERVER, attributes: { 'http.response.status_code': 400 } });
  });
});

describe('a client traceparent', () => {
  it('is ignored by default: the request starts a new trace, which the services see', async () => {
    const g = await tracedGateway();
    const { requestId, calls } = await productPage(g, { traceparent: CLIENT_TRACEPARENT, tracestate: 'shop=1' });
    const spans = await traceOf(g.receiver, requestId, calls);
    const root = spans.find((s) => s.attributes['bff.request_id'] === requestId) as ReceivedSpan;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.traceId).not.toBe(parsedTraceparent(CLIENT_TRACEPARENT).traceId);
    for (const call of calls) {
      expect(parsedTraceparent(call.traceparent).traceId).toBe(root.traceId);
      expect(call.tracestate).toBeUndefined();
    }
  });

  it('is adopted with OTEL_TRUST_INCOMING: the request joins the client trace, and tracestate travels on', async () => {
    const g = await tracedGateway({ trustIncoming: true });
    const client = parsedTraceparent(CLIENT_TRACEPARENT);
    const { requestId, calls } = await productPage(g, { traceparent: CLIENT_TRACEPARENT, tracestate: 'shop=1' });
    const spans = await traceOf(g.receiver, requestId, calls);
    const root = spans.find((s) => s.attributes['bff.request_id'] === requestId) as ReceivedSpan;
    expect(root.traceId).toBe(client.traceId);
    expect(root.parentSpanId).toBe(client.spanId);
    for (const call of calls) {
      expect(parsedTraceparent(call.traceparent).traceId).toBe(client.traceId);
      expect(call.tracestate).toBe('shop=1');
    }
  });

  it('that says "not sampled" is obeyed when trusted: nothing is recorded, the services still get the trace', async () => {
    const g = await tracedGateway({ trustIncoming: true });
    const unsampled = CLIENT_TRACEPARENT.replace(/01$/, '00');
    const { calls } = await productPage(g, { traceparent: unsampled });
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(parsedTraceparent(call.traceparent)).toMatchObject({ traceId: parsedTraceparent(unsampled).traceId, sampled: false });
    // A sampled request afterwards arrives; the unsampled one never does.
    const { requestId, calls: sampledCalls } = await productPage(g);
    await traceOf(g.receiver, requestId, sampledCalls);
    expect(g.receiver.spans.some((s) => s.traceId === parsedTraceparent(unsampled).traceId)).toBe(false);
  });
});

describe('a collector that is down', () => {
  it('costs the requests nothing, is logged as a warning, and does not hold close()', async () => {
    const logs = capturedLogs();
    const instance = await startGateway(demo.urls, {
      config: { ...NO_LOOP_SHEDDING, tracing: { ...DEFAULT_TRACING, endpoint: `${REFUSING_URL}/v1/traces`, scheduleDelayMs: 20 } },
      logger: logs.logger,
    });
    const { calls } = await productPage(instance);
    expect(calls).toHaveLength(8);
    // The exporter retries with backoff (several seconds) before it reports the failure.
    await waitFor(() => logs.lines.some((l) => l.msg === 'spans could not be exported' && l.level === 40), 'the export warning', 25_000);
    await expect(instance.gateway.close()).resolves.toBeUndefined();
  }, 30_000);
});

describe('tracing off', () => {
  it('exports nothing, sends no traceparent, logs no traceId, and answers as usual', async () => {
    const logs = capturedLogs();
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    // Off (no endpoint) although another gateway of this process exports to `receiver`.
    const off = await startGateway(demo.urls, { config: NO_LOOP_SHEDDING, logger: logs.logger });
    gateways.push(off);
    const on = await tracedGateway();
    const { requestId, calls } = await productPage(off, { traceparent: CLIENT_TRACEPARENT });
    expect(calls).toHaveLength(8);
    for (const call of calls) expect(call.traceparent).toBeUndefined();
    await waitFor(() => logs.lines.some((l) => l.requestId === requestId), 'the request line');
    const line = logs.lines.find((l) => l.requestId === requestId);
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('traceId');
    // The traced gateway's spans reach its own receiver only.
    const traced = await productPage(on);
    await traceOf(on.receiver, traced.requestId, traced.calls);
    await off.gateway.close();
    gateways.splice(gateways.indexOf(off), 1);
    expect(receiver.exports).toBe(0);
    expect(on.receiver.spans.some((s) => s.attributes['bff.request_id'] === requestId)).toBe(false);
  });
});
