/**
 * `extensions.diagnostics` (README: "Diagnostics and the waterfall panel"):
 * what one operation cost, reported by the gateway itself, against the demo
 * services and real Redis.
 *
 * The services answer at different speeds (catalog, inventory and accounts
 * after 10 ms, reviews after 60 ms, recommendations after 120 ms), so the
 * call that ends last, and the chain behind it, is known in advance: the
 * recommendations (level 1), then the ratings of the product and its eight
 * recommendations (level 2, reviews again), which had to wait for them. The
 * test asserts structure and order, never milliseconds beyond "at least the
 * service's latency".
 */
import { DEFAULT_CACHE, loadConfig, type GatewayConfig } from '../src/config';
import type { ServiceUrls } from '../src/contract/services';
import { developmentToken } from '../src/context/developmentToken';
import { startDemoServices, type DemoServices } from '../src/demo';
import type { DownstreamCallDiagnostics, OperationDiagnostics } from '../src/diagnostics/report';
import { operation } from './helpers/contract';
import { deleteUnder, keysUnder, SHARED_REDIS_URL, testPrefix, waitFor } from './helpers/redis';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';
import Redis from 'ioredis';

const LATENCY_MS = { catalog: 10, inventory: 10, accounts: 10, reviews: 60, recommendations: 120 } as const;

let demo: DemoServices;
const instances: GatewayUnderTest[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  demo = await startDemoServices();
  for (const [service, latencyMs] of Object.entries(LATENCY_MS)) demo.setKnobs({ latencyMs }, service as keyof typeof LATENCY_MS);
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.gateway.close()));
  await demo.close();
  for (const prefix of prefixes) await deleteUnder(SHARED_REDIS_URL, prefix);
});

/** The injected clock, moved past the instances' start so their invalidation logs vouch for stored responses. */
let offset = 0;
const now = () => Date.now() + offset;

/** A gateway on the shared Redis under `prefix` (instances given one prefix are one fleet). */
async function instance(prefix: string, config: Partial<GatewayConfig> = {}): Promise<GatewayUnderTest> {
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  const gateway = await startGateway(demo.urls, {
    config: { cache: { ...DEFAULT_CACHE, redisUrl: SHARED_REDIS_URL, prefix, responseCache: false, redisCommandTimeoutMs: 1000 }, ...config },
    now,
  });
  instances.push(gateway);
  await waitFor(async () => ((await (await fetch(`${gateway.url}/readyz`)).json()) as { redis: string }).redis === 'up', 'Redis to be connected');
  return gateway;
}

/** Runs WebProductPage (the contract's text and variables); returns its diagnostics and the calls the services saw. */
async function productPage(gateway: GatewayUnderTest, options: { document?: string; headers?: Record<string, string> } = {}) {
  const op = operation('WebProductPage');
  demo.resetRequests();
  const result = await gateway.graphql('web', options.document ?? op.document, op.variables, options.headers);
  expect(result.body.errors).toBeUndefined();
  await gateway.gateway.settled();
  return { result, diagnostics: result.body.extensions?.diagnostics as OperationDiagnostics, served: demo.requests().length };
}

const summary = (call: DownstreamCallDiagnostics) => ({ level: call.level, service: call.service, route: call.route, keys: call.keys, outcome: call.outcome });
const byLevel = (a: ReturnType<typeof summary>, b: ReturnType<typeof summary>) =>
  a.level - b.level || a.service.localeCompare(b.service) || a.route.localeCompare(b.route) || a.keys - b.keys;
const find = (calls: DownstreamCallDiagnostics[], route: string, keys = 1) => calls.find((c) => c.route === route && c.keys === keys) as DownstreamCallDiagnostics;

describe('WebProductPage', () => {
  const prefix = testPrefix('diagnostics');
  let a: GatewayUnderTest;
  let cold: OperationDiagnostics;

  beforeAll(async () => {
    a = await instance(prefix);
    ({ diagnostics: cold } = await productPage(a));
  });

  it('cold: each downstream call with its service, route template, keys and dependency level', async () => {
    const { calls } = cold.downstream;
    expect(calls.map(summary).sort(byLevel)).toEqual([
      { level: 1, service: 'catalog', route: 'GET /products?ids', keys: 1, outcome: 'ok' },
      { level: 1, service: 'recommendations', route: 'GET /recommendations', keys: 1, outcome: 'ok' },
      { level: 1, service: 'reviews', route: 'GET /products/{productId}/reviews', keys: 1, outcome: 'ok' },
      { level: 2, service: 'accounts', route: 'GET /users', keys: 10, outcome: 'ok' },
      { level: 2, service: 'catalog', route: 'GET /categories', keys: 1, outcome: 'ok' },
      { level: 2, service: 'catalog', route: 'GET /products?ids', keys: 8, outcome: 'ok' },
      { level: 2, service: 'inventory', route: 'GET /stock', keys: 1, outcome: 'ok' },
      // The product's own rating and its eight recommendations' ratings: one batch (the scheduler held it).
      { level: 2, service: 'reviews', route: 'GET /ratings', keys: 9, outcome: 'ok' },
    ]);
    expect(cold.downstream.levels).toBe(2);
    // In the order they began, each with its id; every level-2 call after the level-1 call it waited for.
    expect(calls.map((c) => c.id)).toEqual(calls.map((_c, i) => i));
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.startMs).toBeGreaterThanOrEqual(calls[i - 1]!.startMs);
    for (const call of calls) {
      // At least about the service's latency (node's timers may fire a little early).
      expect(call.durationMs).toBeGreaterThanOrEqual(LATENCY_MS[call.service as keyof typeof LATENCY_MS] * 0.8);
      expect(call.status).toBe(200);
      expect(call.retries).toBe(0);
      if (call.level === 1) expect(call.after).toBeNull();
      else {
        const before = calls[call.after as number] as DownstreamCallDiagnostics;
        expect(before.level).toBe(call.level - 1);
        // Rounded to a tenth of a ms each.
        expect(call.startMs).toBeGreaterThanOrEqual(before.startMs + (before.durationMs as number) - 0.2);
      }
    }
    expect(find(calls, 'GET /ratings', 9).after).toBe(find(calls, 'GET /recommendations').id);
    expect(find(calls, 'GET /products?ids', 8).after).toBe(find(calls, 'GET /recommendations').id);
  });

  it('cold: the critical path is the recommendations, then the ratings that waited for them', () => {
    const { calls, criticalPath } = cold.downstream;
    const path = criticalPath.calls.map((id) => calls[id] as DownstreamCallDiagnostics);
    expect(path.map((c) => c.route)).toEqual(['GET /recommendations', 'GET /ratings']);
    expect(calls.filter((c) => c.critical).map((c) => c.id)).toEqual(criticalPath.calls);
    const [first, last] = path as [DownstreamCallDiagnostics, DownstreamCallDiagnostics];
    expect(criticalPath.ms).toBeCloseTo(last.startMs + (last.durationMs as number) - first.startMs, 0);
    expect(criticalPath.ms).toBeGreaterThanOrEqual((LATENCY_MS.recommendations + LATENCY_MS.reviews) * 0.8);
    expect(cold.downstream.ms).toBeGreaterThanOrEqual(criticalPath.ms);
    expect(cold.totalMs).toBeGreaterThanOrEqual(cold.downstream.ms);
  });

  it('cold: cache outcomes by family (every miss fetched, in the calls above), two Redis reads and one write', () => {
    const keysOf = (route: string) => cold.downstream.calls.filter((c) => c.route === route).reduce((n, c) => n + c.keys, 0);
    const { entities } = cold.cache;
    expect(entities.product!.miss).toBe(keysOf('GET /products?ids'));
    expect(entities.rating!.miss).toBe(keysOf('GET /ratings'));
    expect(entities.user!.miss).toBe(keysOf('GET /users'));
    expect(entities.stock!.miss).toBe(keysOf('GET /stock'));
    expect(entities.categories!.miss).toBe(1);
    expect(entities.reviews!.miss).toBe(1);
    expect(entities.recommendations!.miss).toBe(1);
    for (const outcomes of Object.values(entities)) expect({ l2: outcomes.l2, stale: outcomes.stale }).toEqual({ l2: 0, stale: 0 });
    expect(cold.cache.redis).toEqual({ reads: 2, writes: 1, errors: 0 });
    expect(cold.cache.response).toBe('bypass');
  });

  it('the estimated cost against MAX_COST: not enforced for the trusted text, enforced for any other', async () => {
    expect(cold.cost).toEqual({ estimated: 114, limit: 5000, trusted: true, enforced: false });
    const edited = `${operation('WebProductPage').document}\n# edited by hand`;
    const { diagnostics } = await productPage(a, { document: edited });
    expect(diagnostics.cost).toEqual({ estimated: 114, limit: 5000, trusted: false, enforced: true });
  });

  it('again on the same instance: no call, every lookup an L1 hit', async () => {
    const { diagnostics, served } = await productPage(a);
    expect(served).toBe(0);
    expect(diagnostics.downstream).toEqual({ calls: [], levels: 0, ms: 0, criticalPath: { calls: [], ms: 0 } });
    for (const [family, outcomes] of Object.entries(diagnostics.cache.entities)) {
      expect({ family, ...outcomes, l1: outcomes.l1 > 0 }).toEqual({ family, l1: true, l2: 0, miss: 0, stale: 0, staleIfError: 0 });
    }
    expect(diagnostics.cache.redis).toEqual({ reads: 0, writes: 0, errors: 0 });
  });

  it('on another instance of the fleet: no call, the entities from Redis (L2)', async () => {
    const b = await instance(prefix);
    const { diagnostics, served } = await productPage(b);
    expect(served).toBe(0);
    expect(diagnostics.downstream.calls).toEqual([]);
    for (const [family, outcomes] of Object.entries(diagnostics.cache.entities)) {
      expect({ family, miss: outcomes.miss, l2: outcomes.l2 > 0 }).toEqual({ family, miss: 0, l2: true });
    }
    expect(diagnostics.cache.redis).toEqual({ reads: 2, writes: 0, errors: 0 });
  });

  it('as many calls as the services served: diagnostics change no call count', async () => {
    const fresh = await instance(testPrefix('diagnostics-count'));
    const { diagnostics, served } = await productPage(fresh);
    expect(served).toBe(8);
    expect(diagnostics.downstream.calls).toHaveLength(served);
  });
});

describe('a failing service', () => {
  afterEach(() => demo.setKnobs({ failureRate: 0 }, 'recommendations'));

  it('its call is an error with the status, after its retry; what needed its answer is never called', async () => {
    const gateway = await instance(testPrefix('diagnostics-failing'));
    demo.setKnobs({ failureRate: 1 }, 'recommendations');
    const op = operation('WebProductPage');
    const result = await gateway.graphql('web', op.document, op.variables);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('DOWNSTREAM_ERROR');
    const { calls } = (result.body.extensions?.diagnostics as OperationDiagnostics).downstream;
    expect(find(calls, 'GET /recommendations')).toMatchObject({ outcome: 'error', status: 503, failure: 'status', retries: 1 });
    // No recommended products, and the ratings batch holds the product's own rating only.
    expect(calls.map((c) => `${c.route} ×${c.keys}`).sort()).toEqual([
      'GET /categories ×1',
      'GET /products/{productId}/reviews ×1',
      'GET /products?ids ×1',
      'GET /ratings ×1',
      'GET /recommendations ×1',
      'GET /stock ×1',
      'GET /users ×10',
    ]);
  });
});

describe('the response cache', () => {
  it('a hit reports that hit and no calls; the stored response carries no diagnostics', async () => {
    const prefix = testPrefix('diagnostics-responses');
    const gateway = await instance(prefix, { cache: { ...DEFAULT_CACHE, redisUrl: SHARED_REDIS_URL, prefix, responseCache: true, redisCommandTimeoutMs: 1000 } });
    offset += 2_000; // past the instance's start: its invalidation log vouches for what it stores from then on
    const first = await productPage(gateway);
    expect(first.diagnostics.cache.response).toBe('miss');
    expect(first.diagnostics.downstream.calls).toHaveLength(8);

    const hit = await productPage(gateway);
    expect(hit.served).toBe(0);
    expect(hit.diagnostics.cache.response).toBe('hit');
    expect(hit.diagnostics.downstream.calls).toEqual([]);
    expect(hit.diagnostics.cache.entities).toEqual({});
    expect(hit.diagnostics.cost.estimated).toBe(114);
    expect(hit.result.body.data).toEqual(first.result.body.data);

    const stored = (await keysUnder(SHARED_REDIS_URL, prefix)).filter((key) => key.includes('response:'));
    expect(stored).toHaveLength(1);
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      // What is stored: a line of metadata, then the executed data's JSON text (cache/responseCache.ts).
      const value = (await redis.get(stored[0] as string)) as string;
      const data = value.slice(value.indexOf('\n') + 1);
      expect(JSON.parse(data)).toEqual(first.result.body.data);
      expect(value).not.toContain('diagnostics');
    } finally {
      redis.disconnect();
    }
  });
});

describe('personal data', () => {
  it('a signed-in request reports route templates and counts: no user id, no email', async () => {
    const gateway = await instance(testPrefix('diagnostics-private'));
    const op = operation('WebAccountOrders');
    const user = demo.data.usersById.get('u-0001')!;
    const result = await gateway.graphql('web', op.document, op.variables, { authorization: `Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}` });
    expect(result.body.data?.me?.email).toBe(user.email);
    const diagnostics = result.body.extensions?.diagnostics as OperationDiagnostics;
    expect(diagnostics.downstream.calls.map((c) => c.route).sort()).toEqual(['GET /products?ids', 'GET /users', 'GET /users/{userId}/orders']);
    const text = JSON.stringify(diagnostics);
    expect(text).not.toContain('u-0001');
    expect(text).not.toContain(user.email);
    expect(text).not.toMatch(/@|p-\d{4}|o-\d/);
  });
});

describe('when diagnostics are not on', () => {
  async function gatewayWith(config: Partial<GatewayConfig>): Promise<GatewayUnderTest> {
    const gateway = await startGateway(demo.urls, { config: { cache: { ...DEFAULT_CACHE, responseCache: false }, ...config } });
    instances.push(gateway);
    return gateway;
  }

  it('production: absent, even from a config that asks for them', async () => {
    const gateway = await gatewayWith({ production: true, diagnostics: true });
    const { result } = await productPage(gateway);
    expect(result.body.data?.product?.id).toBe('p-0001');
    expect(result.body.extensions?.diagnostics).toBeUndefined();
  });

  it('turned off (DIAGNOSTICS=false): absent', async () => {
    const gateway = await gatewayWith({ diagnostics: false });
    const { result } = await productPage(gateway);
    expect(result.body.data?.product?.id).toBe('p-0001');
    expect(result.body.extensions?.diagnostics).toBeUndefined();
    // The cache counts of development are still there: only diagnostics are off.
    expect(result.body.extensions?.cache).toBeDefined();
  });

  it('the setting: on outside production, off with DIAGNOSTICS=false, refused in production', () => {
    const services = demo.urls as ServiceUrls;
    expect(loadConfig({}, services).diagnostics).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DIAGNOSTICS: 'false' }, services).diagnostics).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }, services).diagnostics).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DIAGNOSTICS: 'false' }, services).diagnostics).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', DIAGNOSTICS: 'true' }, services)).toThrow(
      /^DIAGNOSTICS=true is refused with NODE_ENV=production: .*Unset DIAGNOSTICS \(or set it to false\)\.$/,
    );
  });
});
