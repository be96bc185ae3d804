/**
 * The circuit breaker in the transport: a service that keeps failing is not
 * called while its circuit is open (the breaker's own rules are unit-tested
 * in unit/circuitBreaker.test.ts).
 */
import { DEFAULT_DOWNSTREAM } from '../src/config';
import { items, stockLevel } from '../src/contract/validate';
import { startDemoServices, type DemoServices } from '../src/demo';
import { ServiceHttp } from '../src/downstream/serviceHttp';

let demo: DemoServices;
let now = 0;
beforeAll(async () => {
  demo = await startDemoServices();
});
afterEach(() => demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 }));
afterAll(() => demo.close());

describe('a service behind an open circuit', () => {
  it('is not called while open, answers DOWNSTREAM_UNAVAILABLE, and recovers after the cooldown', async () => {
    const http = new ServiceHttp('inventory', demo.urls.inventory, { ...DEFAULT_DOWNSTREAM, retries: 0, circuitThreshold: 3, circuitCooldownMs: 1000 }, undefined, () => now);
    const call = () => http.call('GET', '/stock', { route: 'GET /stock', check: items(stockLevel), query: { skus: 'SKU-000001' } });
    demo.setKnobs({ failureRate: 1 }, 'inventory');
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toMatchObject({ extensions: { code: 'DOWNSTREAM_ERROR' } });
    demo.resetRequests();
    await expect(call()).rejects.toMatchObject({ extensions: { code: 'DOWNSTREAM_UNAVAILABLE', service: 'inventory' } });
    expect(demo.requests()).toHaveLength(0);
    demo.setKnobs({ failureRate: 0 }, 'inventory');
    now += 1000;
    await expect(call()).resolves.toMatchObject({ ok: true });
    expect(demo.requests()).toHaveLength(1);
    expect(http.circuitOpen).toBe(false);
    await http.close();
  });
});

describe('a service answering 200 with bodies that break the contract', () => {
  it('opens the circuit like failed statuses do: a 2xx is healthy only once its body passes the check', async () => {
    const http = new ServiceHttp('inventory', demo.urls.inventory, { ...DEFAULT_DOWNSTREAM, retries: 0, circuitThreshold: 3, circuitCooldownMs: 1000 }, undefined, () => now);
    const call = () => http.call('GET', '/stock', { route: 'GET /stock', check: items(stockLevel), query: { skus: 'SKU-000001' } });
    demo.setKnobs({ malformedRate: 1 }, 'inventory');
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toMatchObject({ extensions: { code: 'DOWNSTREAM_BAD_PAYLOAD' } });
    expect(http.circuitOpen).toBe(true);
    demo.resetRequests();
    await expect(call()).rejects.toMatchObject({ extensions: { code: 'DOWNSTREAM_UNAVAILABLE', service: 'inventory' } });
    expect(demo.requests()).toHaveLength(0);
    demo.setKnobs({ malformedRate: 0 }, 'inventory');
    now += 1000;
    await expect(call()).resolves.toMatchObject({ ok: true });
    expect(http.circuitOpen).toBe(false);
    await http.close();
  });

  it('an expected 4xx is a success: it never opens the circuit', async () => {
    const http = new ServiceHttp('catalog', demo.urls.catalog, { ...DEFAULT_DOWNSTREAM, retries: 0, circuitThreshold: 2, circuitCooldownMs: 1000 }, undefined, () => now);
    for (let i = 0; i < 4; i++) {
      await expect(http.call('GET', '/products/p-99999999', { route: 'GET /products/{id}', check: items(stockLevel) })).resolves.toMatchObject({ ok: false, status: 404 });
    }
    expect(http.circuitOpen).toBe(false);
    await http.close();
  });
});
