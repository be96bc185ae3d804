/**
 * Fault injection, the request log and the control routes, over real HTTP.
 * Latency is only ever checked as a lower bound: timing upper bounds are flaky.
 */
import { MALFORMED_BODY, startDemoServices, type DemoServices } from '../../src/demo/index';
import { SERVICE_NAMES } from '../../src/contract/services';
import { reservePort } from '../helpers/ports';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let demo: DemoServices;
beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(() => demo.close());
beforeEach(() => {
  demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 });
  demo.resetRequests();
});

describe('knobs', () => {
  it('failureRate 1 answers 503 UNAVAILABLE, logs the request, and never acts', async () => {
    demo.setKnobs({ failureRate: 1 }, 'orders');
    const before = demo.data.stockBySku.get('SKU-000002')?.available;
    const res = await fetch(`${demo.urls.orders}/orders`, {
      method: 'POST',
      headers: { 'x-user-id': 'u-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ productId: 'p-0002', quantity: 1 }] }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'UNAVAILABLE', message: expect.any(String) });
    expect(demo.data.stockBySku.get('SKU-000002')?.available).toBe(before);
    expect(demo.requests()).toEqual([{ service: 'orders', method: 'POST', route: 'POST /orders', target: '/orders', query: {}, userId: 'u-0001', at: expect.any(Number) }]);

    // Other services are unaffected.
    expect((await fetch(`${demo.urls.catalog}/products/p-0001`)).status).toBe(200);
  });

  it('a retry with the same idempotency key acts after a knob failure', async () => {
    const init = {
      method: 'POST',
      headers: { 'x-user-id': 'u-0001', 'idempotency-key': 'after-503', 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ productId: 'p-0003', quantity: 1 }] }),
    };
    const before = demo.data.stockBySku.get('SKU-000003')?.available as number;
    demo.setKnobs({ failureRate: 1 }, 'orders');
    expect((await fetch(`${demo.urls.orders}/orders`, init)).status).toBe(503);
    demo.setKnobs({ failureRate: 0 }, 'orders');
    expect((await fetch(`${demo.urls.orders}/orders`, init)).status).toBe(201);
    expect(demo.data.stockBySku.get('SKU-000003')?.available).toBe(before - 1);
  });

  it('malformedRate 1 answers 200 with a body that is not JSON', async () => {
    demo.setKnobs({ malformedRate: 1 }, 'catalog');
    const res = await fetch(`${demo.urls.catalog}/products?ids=p-0001`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).toBe(MALFORMED_BODY);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(demo.requests()).toHaveLength(1);
  });

  it('latencyMs delays responses by at least that long', async () => {
    demo.setKnobs({ latencyMs: 120 }, 'recommendations');
    const started = performance.now();
    const res = await fetch(`${demo.urls.recommendations}/recommendations?productId=p-0001`);
    await res.json();
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115); // timers may round by a millisecond or two
  });

  it('applies to all services without a service name and rejects invalid values', () => {
    demo.setKnobs({ latencyMs: 7 });
    for (const name of SERVICE_NAMES) expect(demo.getKnobs(name)).toEqual({ latencyMs: 7, failureRate: 0, malformedRate: 0 });
    demo.setKnobs({ failureRate: 0.5 }, 'reviews');
    expect(demo.getKnobs('reviews')).toEqual({ latencyMs: 7, failureRate: 0.5, malformedRate: 0 });
    expect(demo.getKnobs('catalog').failureRate).toBe(0);
    expect(() => demo.setKnobs({ failureRate: 2 })).toThrow(RangeError);
    expect(() => demo.setKnobs({ latencyMs: -1 }, 'catalog')).toThrow(RangeError);
  });

  it('takes initial knobs from the options', async () => {
    const other = await startDemoServices({ knobs: { failureRate: 1 } });
    try {
      expect((await fetch(`${other.urls.accounts}/users/u-0001`)).status).toBe(503);
      expect(other.getKnobs('catalog')).toEqual({ latencyMs: 0, failureRate: 1, malformedRate: 0 });
    } finally {
      await other.close();
    }
  });
});

describe('request log', () => {
  it('records every request in order with its route template, request-target, query and user', async () => {
    await fetch(`${demo.urls.catalog}/products/p-0042`);
    await fetch(`${demo.urls.catalog}/products?ids=p-0001,p-0002&limit=5`);
    await fetch(`${demo.urls.inventory}/stock?skus=SKU-000001`, { headers: { 'x-user-id': 'u-0007' } });
    await fetch(`${demo.urls.reviews}/products/p-0001/reviews?limit=3`);
    await fetch(`${demo.urls.catalog}/nowhere`);
    const log = demo.requests();
    expect(log.map(({ at, ...rest }) => rest)).toEqual([
      { service: 'catalog', method: 'GET', route: 'GET /products/{id}', target: '/products/p-0042', query: {} },
      { service: 'catalog', method: 'GET', route: 'GET /products', target: '/products?ids=p-0001,p-0002&limit=5', query: { ids: 'p-0001,p-0002', limit: '5' } },
      { service: 'inventory', method: 'GET', route: 'GET /stock', target: '/stock?skus=SKU-000001', query: { skus: 'SKU-000001' }, userId: 'u-0007' },
      { service: 'reviews', method: 'GET', route: 'GET /products/{productId}/reviews', target: '/products/p-0001/reviews?limit=3', query: { limit: '3' } },
      { service: 'catalog', method: 'GET', route: 'GET /nowhere', target: '/nowhere', query: {} },
    ]);
    // Arrival times are increasing: the log is in order.
    expect(log.map((r) => r.at)).toEqual([...log.map((r) => r.at)].sort((a, b) => a - b));
    demo.resetRequests();
    expect(demo.requests()).toEqual([]);
  });

  it('leaves out /healthz and the control routes', async () => {
    const health = await fetch(`${demo.urls.orders}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await (await fetch(`${demo.urls.orders}/__demo/knobs`)).text();
    await (await fetch(`${demo.urls.orders}/__demo/requests`)).text();
    expect(demo.requests()).toEqual([]);
  });
});

describe('control routes over HTTP', () => {
  it('GET and PUT /__demo/knobs read and patch one service, or all with scope=all', async () => {
    const url = `${demo.urls.reviews}/__demo/knobs`;
    expect(await (await fetch(url)).json()).toEqual({ latencyMs: 0, failureRate: 0, malformedRate: 0 });

    const put = await fetch(url, { method: 'PUT', body: JSON.stringify({ failureRate: 1 }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ latencyMs: 0, failureRate: 1, malformedRate: 0 });
    expect(demo.getKnobs('reviews').failureRate).toBe(1);
    expect(demo.getKnobs('catalog').failureRate).toBe(0);
    expect((await fetch(`${demo.urls.reviews}/ratings?productIds=p-0001`)).status).toBe(503);
    // Control routes themselves are never failed or delayed by the knobs.
    expect((await fetch(url)).status).toBe(200);

    const all = await fetch(`${url}?scope=all`, { method: 'PUT', body: JSON.stringify({ latencyMs: 3, failureRate: 0 }) });
    expect(all.status).toBe(200);
    for (const name of SERVICE_NAMES) expect(demo.getKnobs(name)).toEqual({ latencyMs: 3, failureRate: 0, malformedRate: 0 });

    for (const body of ['{"failureRate": 1.5}', '{"speed": 1}', '[1]', 'nope']) {
      const bad = await fetch(url, { method: 'PUT', body });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'INVALID_INPUT' });
    }
  });

  it('GET and DELETE /__demo/requests read and clear the log per service, or all with scope=all', async () => {
    await fetch(`${demo.urls.catalog}/categories`);
    await fetch(`${demo.urls.accounts}/users/u-0001`);
    await fetch(`${demo.urls.catalog}/products/p-0001`);

    const catalogOnly: Json = await (await fetch(`${demo.urls.catalog}/__demo/requests`)).json();
    expect(catalogOnly.items.map((r: { route: string }) => r.route)).toEqual(['GET /categories', 'GET /products/{id}']);
    const everything: Json = await (await fetch(`${demo.urls.catalog}/__demo/requests?scope=all`)).json();
    expect(everything.items).toHaveLength(3);
    const summary = await (await fetch(`${demo.urls.catalog}/__demo/requests?scope=all&summary=true`)).json();
    expect(summary).toEqual({
      total: 3,
      byRoute: { 'catalog GET /categories': 1, 'accounts GET /users/{id}': 1, 'catalog GET /products/{id}': 1 },
    });

    expect((await fetch(`${demo.urls.catalog}/__demo/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(demo.requests().map((r) => r.service)).toEqual(['accounts']);
    expect((await fetch(`${demo.urls.accounts}/__demo/requests?scope=all`, { method: 'DELETE' })).status).toBe(204);
    expect(demo.requests()).toEqual([]);

    const unknown = await fetch(`${demo.urls.catalog}/__demo/nothing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error).toBe('NOT_FOUND');
  });
});

describe('lifecycle', () => {
  it('gives every service its own base URL without a trailing slash, and closes cleanly', async () => {
    const other = await startDemoServices();
    const urls = SERVICE_NAMES.map((name) => other.urls[name]);
    expect(new Set(urls).size).toBe(6);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A keep-alive connection is open when close() is called; close must not hang.
    const res = await fetch(`${other.urls.catalog}/healthz`);
    expect(res.headers.get('connection')).toBe('keep-alive');
    await res.text();
    await other.close();
    await other.close(); // idempotent
    await expect(fetch(`${other.urls.catalog}/healthz`)).rejects.toThrow();
  });

  it('starts on the requested ports', async () => {
    const port = await reservePort();
    const fixed = await startDemoServices({ ports: { catalog: port } });
    try {
      expect(fixed.urls.catalog).toBe(`http://127.0.0.1:${port}`);
      await expect(startDemoServices({ ports: { catalog: port } })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await fixed.close();
    }
  });
});
