/**
 * ServiceHttp against a crafted local server: every way a call can end
 * (value, expected 4xx, thrown DownstreamError with a stable code), retries,
 * timeouts, size limits, Cache-Control and the per-call counters.
 */
import type { ServerResponse } from 'node:http';
import type { DownstreamOptions } from '../src/config';
import { DownstreamError } from '../src/errors/catalogue';
import { ServiceHttp } from '../src/downstream/serviceHttp';
import { type CallTrace } from '../src/downstream/call';
import type { DownstreamProduct } from '../src/contract/payloads';
import { items, product } from '../src/contract/validate';
import { json, startLocalServer, type LocalServer } from './helpers/localServer';
import { REFUSING_URL } from './helpers/ports';

const productItems = items(product);

function productFixture(id: string, overrides: Partial<Record<keyof DownstreamProduct, unknown>> = {}): Record<string, unknown> {
  return {
    id,
    sku: `SKU-${id}`,
    name: 'Desk lamp',
    brand: 'Acme',
    description: 'A lamp.',
    categoryId: 'c-001',
    priceCents: 1999,
    currency: 'EUR',
    images: [{ id: 'i-1', url: 'https://img.example/1.jpg', width: 800, height: 600, alt: 'Lamp' }],
    createdAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const OPTIONS: DownstreamOptions = {
  connectTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  connections: 4,
  retries: 1,
  maxResponseBytes: 64 * 1024,
  circuitThreshold: 0, // the breaker has its own tests (circuitBreaker.test.ts)
  circuitCooldownMs: 5000,
  maxConcurrent: 4,
  maxQueued: 64,
  // These tests count retries one by one: a budget large enough never to refuse one (resilience.test.ts tests it).
  retryBudgetRatio: 1,
  retryBudgetMin: 1000,
};

/** Hanging responses, ended in afterAll. */
const hanging: ServerResponse[] = [];

let server: LocalServer;
const pools: ServiceHttp[] = [];
function service(options: Partial<DownstreamOptions> = {}, baseUrl = server.url, observe?: ConstructorParameters<typeof ServiceHttp>[3]): ServiceHttp {
  const http = new ServiceHttp('catalog', baseUrl, { ...OPTIONS, ...options }, observe);
  pools.push(http);
  return http;
}

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const seen = server.requestsTo(req.path).length; // this request included
    switch (req.path) {
      case '/products':
      case '/api/v2/products':
        return json(res, 200, { items: [productFixture('p-0001')] }, { 'cache-control': 'max-age=60' });
      case '/bad-shape':
        return json(res, 200, { items: [productFixture('p-0001', { priceCents: '19.99' })] });
      case '/bad-nested':
        return json(res, 200, {
          items: [productFixture('p-0001'), productFixture('p-0002', { images: [{ id: 'i', url: 'u', width: 1.5, height: 1, alt: '' }] })],
        });
      case '/missing-field': {
        const { currency: _dropped, ...rest } = productFixture('p-0001');
        return json(res, 200, { items: [rest] });
      }
      case '/array-body':
        return json(res, 200, []);
      case '/not-json':
        return json(res, 200, '{"items":[{"id":');
      case '/missing':
        return json(res, 404, { error: 'NOT_FOUND', message: 'no product p-9999' });
      case '/missing-plain':
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('Not Found');
      case '/invalid':
        return json(res, 400, { error: 'INVALID_INPUT', message: 'limit must be an integer from 1 to 100', field: 'limit' });
      case '/conflict':
        return json(res, 409, { error: 'OUT_OF_STOCK', message: 'not enough stock', sku: 'SKU-1', available: 2 });
      case '/throttled':
        return json(res, 429, { error: 'TOO_MANY_REQUESTS', message: 'slow down' });
      case '/broken':
        return json(res, 500, { error: 'INTERNAL', message: 'boom' });
      case '/flaky-once':
        return seen === 1 ? json(res, 503, { error: 'UNAVAILABLE', message: 'try again' }) : json(res, 200, { items: [productFixture('p-0003')] });
      case '/flaky-always':
      case '/post-unavailable':
        return json(res, 503, { error: 'UNAVAILABLE', message: 'try again' });
      case '/reset-once':
        if (seen === 1) return void res.socket?.destroy();
        return json(res, 200, { items: [] });
      case '/post-reset':
        return void res.socket?.destroy();
      case '/hang':
        hanging.push(res);
        return;
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
        hanging.push(res);
        return;
      case '/big':
        return json(res, 200, { items: [], padding: 'x'.repeat(5000) });
      case '/big-chunked':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[],"padding":"');
        res.write('x'.repeat(5000));
        return void res.end('"}');
      case '/cached':
        return json(res, 200, { items: [] }, { 'cache-control': 'max-age=42' });
      case '/cached-public':
        return json(res, 200, { items: [] }, { 'cache-control': 'public, max-age=7, stale-while-revalidate=30' });
      case '/no-store':
        return json(res, 200, { items: [] }, { 'cache-control': 'no-store' });
      case '/s-maxage':
        return json(res, 200, { items: [] }, { 'cache-control': 's-maxage=99' });
      case '/echo':
        return json(res, 201, { items: [] });
      default:
        return json(res, 404, { error: 'NOT_FOUND', message: `no route ${req.path}` });
    }
  });
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await Promise.all(pools.map((p) => p.close()));
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

/** The DownstreamError a promise rejects with (fails the test on anything else). */
async function downstreamFailure(promise: Promise<unknown>): Promise<DownstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownstreamError);
  return error as DownstreamError;
}

/** Resolves once `condition` holds (polled each tick of the event loop, at most 5 s). */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setImmediate(r));
  }
}

const get = (http: ServiceHttp, path: string, extra: { trace?: CallTrace; query?: Record<string, string | number | undefined> } = {}) =>
  http.call('GET', path, { route: `GET ${path}`, check: productItems, ...extra });

describe('a 2xx with a valid payload', () => {
  it('returns ok with the value, status and max-age, with an accept header and the query encoded', async () => {
    const http = service();
    const result = await get(http, '/products', { query: { ids: 'p-0001,p-0002', q: 'a b&c=d', cursor: undefined, limit: 5 } });
    expect(result).toEqual({ ok: true, status: 200, value: { items: [productFixture('p-0001')] }, maxAgeSeconds: 60 });
    expect(server.requests.map((r) => r.url)).toEqual(['/products?ids=p-0001%2Cp-0002&q=a%20b%26c%3Dd&limit=5']);
    expect(server.requests[0]?.headers.accept).toBe('application/json');
    expect(server.requests[0]?.method).toBe('GET');
  });

  it('prefixes the base URL path (trailing slashes dropped)', async () => {
    const http = service({}, `${server.url}/api/v2//`);
    const result = await get(http, '/products');
    expect(result.ok).toBe(true);
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v2/products']);
  });
});

describe('a 2xx with the wrong shape', () => {
  it('throws DOWNSTREAM_BAD_PAYLOAD naming the path of a string priceCents', async () => {
    const error = await downstreamFailure(get(service(), '/bad-shape'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'catalog' });
    expect(error.service).toBe('catalog');
    expect(error.failure).toBe('payload');
    expect(error.status).toBe(200);
    expect(error.message).toBe('The catalog service answered GET /bad-shape with a payload whose items[0].priceCents is not an integer ≥ 0.');
  });

  it('names a nested path (second item, first image, non-integer width)', async () => {
    const error = await downstreamFailure(get(service(), '/bad-nested'));
    expect(error.message).toBe('The catalog service answered GET /bad-nested with a payload whose items[1].images[0].width is not an integer from -2147483648 to 2147483647.');
  });

  it('names a missing required field', async () => {
    const error = await downstreamFailure(get(service(), '/missing-field'));
    expect(error.message).toBe('The catalog service answered GET /missing-field with a payload whose items[0].currency is not a string.');
  });

  it('names the body itself when it is not an object', async () => {
    const error = await downstreamFailure(get(service(), '/array-body'));
    expect(error.extensions.code).toBe('DOWNSTREAM_BAD_PAYLOAD');
    expect(error.message).toBe('The catalog service answered GET /array-body with a payload whose body is not an object.');
  });
});

describe('a 2xx that is not JSON', () => {
  it('throws DOWNSTREAM_BAD_PAYLOAD', async () => {
    const error = await downstreamFailure(get(service(), '/not-json'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'catalog' });
    expect(error.status).toBe(200);
    expect(error.message).toBe('The catalog service answered GET /not-json with a body that is not JSON.');
  });
});

describe('expected 4xx answers', () => {
  it('404 with the contract error body → ok:false, status 404', async () => {
    const result = await get(service(), '/missing');
    expect(result).toEqual({ ok: false, status: 404, error: { error: 'NOT_FOUND', message: 'no product p-9999' } });
  });

  it('404 without a JSON body → ok:false with HTTP_404', async () => {
    const result = await get(service(), '/missing-plain');
    expect(result).toEqual({ ok: false, status: 404, error: { error: 'HTTP_404', message: '' } });
  });

  it('400 INVALID_INPUT → ok:false with error and field', async () => {
    const result = await get(service(), '/invalid');
    expect(result).toEqual({
      ok: false,
      status: 400,
      error: { error: 'INVALID_INPUT', message: 'limit must be an integer from 1 to 100', field: 'limit' },
    });
  });

  it('409 OUT_OF_STOCK on a POST → ok:false with sku and available', async () => {
    const result = await service().call('POST', '/conflict', { route: 'POST /conflict', check: productItems, body: { lines: [] } });
    expect(result).toEqual({
      ok: false,
      status: 409,
      error: { error: 'OUT_OF_STOCK', message: 'not enough stock', sku: 'SKU-1', available: 2 },
    });
  });
});

describe('429 and 5xx', () => {
  it('429 → DOWNSTREAM_ERROR with status 429, not retried', async () => {
    const error = await downstreamFailure(get(service(), '/throttled'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_ERROR', service: 'catalog' });
    expect(error.status).toBe(429);
    expect(error.failure).toBe('status');
    expect(error.message).toBe('The catalog service answered GET /throttled with HTTP 429.');
    expect(server.requestsTo('/throttled')).toHaveLength(1);
  });

  it('500 → DOWNSTREAM_ERROR with status 500, not retried', async () => {
    const error = await downstreamFailure(get(service(), '/broken'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_ERROR', service: 'catalog' });
    expect(error.status).toBe(500);
    expect(error.message).toBe('The catalog service answered GET /broken with HTTP 500.');
    expect(server.requestsTo('/broken')).toHaveLength(1);
  });

  it('503 without retries → DOWNSTREAM_ERROR after one request', async () => {
    const error = await downstreamFailure(get(service({ retries: 0 }), '/flaky-always'));
    expect(error.status).toBe(503);
    expect(error.message).toBe('The catalog service answered GET /flaky-always with HTTP 503.');
    expect(server.requestsTo('/flaky-always')).toHaveLength(1);
  });
});

describe('retries of GETs', () => {
  it('503 once then 200 with retries:1 → succeeds after exactly 2 requests', async () => {
    const result = await get(service({ retries: 1 }), '/flaky-once');
    expect(result).toEqual({ ok: true, status: 200, value: { items: [productFixture('p-0003')] }, maxAgeSeconds: null });
    expect(server.requestsTo('/flaky-once')).toHaveLength(2);
  });

  it('503 twice with retries:1 → DOWNSTREAM_ERROR naming the route and status 503', async () => {
    const error = await downstreamFailure(get(service({ retries: 1 }), '/flaky-always'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_ERROR', service: 'catalog' });
    expect(error.status).toBe(503);
    expect(error.message).toBe('The catalog service answered GET /flaky-always with HTTP 503.');
    expect(server.requestsTo('/flaky-always')).toHaveLength(2);
  });

  it('a connection reset before any answer is retried once', async () => {
    const result = await get(service({ retries: 1 }), '/reset-once');
    expect(result).toEqual({ ok: true, status: 200, value: { items: [] }, maxAgeSeconds: null });
    expect(server.requestsTo('/reset-once')).toHaveLength(2);
  });
});

describe('POST is never retried', () => {
  it('a 503 on a POST → DOWNSTREAM_ERROR after one request', async () => {
    const error = await downstreamFailure(
      service({ retries: 1 }).call('POST', '/post-unavailable', { route: 'POST /orders', check: productItems, body: { a: 1 } }),
    );
    expect(error.status).toBe(503);
    expect(error.message).toBe('The catalog service answered POST /orders with HTTP 503.');
    expect(server.requestsTo('/post-unavailable')).toHaveLength(1);
  });

  it('a reset connection on a POST → DOWNSTREAM_TIMEOUT after one request', async () => {
    const error = await downstreamFailure(
      service({ retries: 1 }).call('POST', '/post-reset', { route: 'POST /orders', check: productItems, body: { a: 1 } }),
    );
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_TIMEOUT', service: 'catalog' });
    expect(error.failure).toBe('unreachable');
    expect(server.requestsTo('/post-reset')).toHaveLength(1);
  });

  it('sends the JSON body with a content type', async () => {
    await service().call('POST', '/echo', { route: 'POST /echo', check: productItems, body: { lines: [{ productId: 'p-0001', quantity: 2 }] } });
    const [request] = server.requestsTo('/echo');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe('{"lines":[{"productId":"p-0001","quantity":2}]}');
  });
});

describe('timeouts and unreachable services', () => {
  it('no response headers within requestTimeoutMs → DOWNSTREAM_TIMEOUT, not retried', async () => {
    const error = await downstreamFailure(get(service({ requestTimeoutMs: 100, retries: 1 }), '/hang'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_TIMEOUT', service: 'catalog' });
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('The catalog service did not answer within 100 ms.');
    expect(server.requestsTo('/hang')).toHaveLength(1);
  });

  it('a body that stops mid-way → DOWNSTREAM_TIMEOUT', async () => {
    const error = await downstreamFailure(get(service({ requestTimeoutMs: 100, retries: 1 }), '/slow-body'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_TIMEOUT', service: 'catalog' });
    expect(error.message).toBe('The catalog service did not answer within 100 ms.');
  });

  it('a refused connection → DOWNSTREAM_TIMEOUT "could not be reached"', async () => {
    const http = service({ retries: 1 }, REFUSING_URL);
    const error = await downstreamFailure(get(http, '/products'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_TIMEOUT', service: 'catalog' });
    expect(error.failure).toBe('unreachable');
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('The catalog service could not be reached.');
  });
});

describe('the bulkhead and background refreshes', () => {
  it("a background refresh takes a free slot or none: with every slot busy it fails at once, unsent, while a request's call waits for the slot", async () => {
    const http = service({ maxConcurrent: 1, maxQueued: 8, requestTimeoutMs: 5000, retries: 0 });
    const holding = get(http, '/hang');
    await waitFor(() => server.requestsTo('/hang').length === 1);

    const refresh = await downstreamFailure(get(http, '/products', { trace: { downstreamCalls: 0, background: true } }));
    expect(refresh.failure).toBe('bulkhead');
    expect(refresh.extensions).toEqual({ code: 'DOWNSTREAM_UNAVAILABLE', service: 'catalog' });
    expect(refresh.message).toBe('The catalog service was not called: every call slot is busy, and a background refresh never waits for one.');

    const trace: CallTrace = { downstreamCalls: 0 };
    const waiting = get(http, '/products', { trace });
    // The hanging call ends: its slot goes to the request's call, which was queued.
    (hanging.pop() as ServerResponse).destroy();
    await holding.catch(() => undefined);
    expect((await waiting).status).toBe(200);
    expect(trace.downstreamCalls).toBe(1);
    expect(server.requestsTo('/products')).toHaveLength(1);

    // With a slot free, a background refresh goes out as any call does.
    expect((await get(http, '/products', { trace: { downstreamCalls: 0, background: true } })).status).toBe(200);
  });
});

describe('response size limit', () => {
  it('a body larger than maxResponseBytes (content-length) → DOWNSTREAM_BAD_PAYLOAD', async () => {
    const error = await downstreamFailure(get(service({ maxResponseBytes: 1024 }), '/big'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'catalog' });
    expect(error.message).toBe('The catalog service answered with a body larger than allowed.');
  });

  it('a chunked body larger than maxResponseBytes → DOWNSTREAM_BAD_PAYLOAD', async () => {
    const error = await downstreamFailure(get(service({ maxResponseBytes: 1024 }), '/big-chunked'));
    expect(error.extensions).toEqual({ code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'catalog' });
  });

  it('the same body under the limit is accepted', async () => {
    const result = await get(service({ maxResponseBytes: 64 * 1024 }), '/big');
    expect(result.ok).toBe(true);
  });
});

describe('Cache-Control max-age', () => {
  it.each([
    ['/cached', 42],
    ['/cached-public', 7],
    ['/no-store', null],
    ['/s-maxage', null],
    ['/echo', null],
  ])('%s → maxAgeSeconds %p', async (path, expected) => {
    const result = await get(service(), path);
    expect(result.ok && result.maxAgeSeconds).toBe(expected);
  });
});

describe('the CallTrace counter', () => {
  it('increments once per call, whatever its outcome, and once for a retried call', async () => {
    const http = service({ retries: 1 });
    const trace: CallTrace = { downstreamCalls: 0 };
    await get(http, '/products', { trace });
    expect(trace.downstreamCalls).toBe(1);
    await get(http, '/missing', { trace });
    expect(trace.downstreamCalls).toBe(2);
    await downstreamFailure(get(http, '/broken', { trace }));
    expect(trace.downstreamCalls).toBe(3);
    await get(http, '/flaky-once', { trace });
    expect(trace.downstreamCalls).toBe(4);
    expect(server.requestsTo('/flaky-once')).toHaveLength(2);
  });
});

describe('the call observer', () => {
  it('is called once per call with (service, route, outcome, ms)', async () => {
    const calls: [string, string, string, number][] = [];
    const http = service({ retries: 0 }, server.url, (service, route, outcome, ms) => calls.push([service, route, outcome, ms]));
    await http.call('GET', '/products', { route: 'GET /products?ids', check: productItems });
    await http.call('GET', '/missing', { route: 'GET /products/{id}', check: productItems });
    await downstreamFailure(http.call('GET', '/bad-shape', { route: 'GET /products', check: productItems }));
    await downstreamFailure(http.call('GET', '/flaky-always', { route: 'GET /categories', check: productItems }));
    expect(calls.map(([s, r, o]) => [s, r, o])).toEqual([
      ['catalog', 'GET /products?ids', '200'],
      ['catalog', 'GET /products/{id}', '404'],
      ['catalog', 'GET /products', 'payload'],
      ['catalog', 'GET /categories', 'status'],
    ]);
    for (const [, , , ms] of calls) {
      expect(typeof ms).toBe('number');
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports timeout and unreachable outcomes', async () => {
    const calls: string[] = [];
    const slow = service({ requestTimeoutMs: 100 }, server.url, (_s, route, outcome) => calls.push(`${route} ${outcome}`));
    await downstreamFailure(slow.call('GET', '/hang', { route: 'GET /hang', check: productItems }));
    const refused = service({}, REFUSING_URL, (_s, route, outcome) => calls.push(`${route} ${outcome}`));
    await downstreamFailure(refused.call('GET', '/x', { route: 'GET /x', check: productItems }));
    expect(calls).toEqual(['GET /hang timeout', 'GET /x unreachable']);
  });
});
