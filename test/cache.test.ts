/**
 * The shared two-tier cache, against real Redis: each behaviour on a single
 * Redis (127.0.0.1:6379 with a key prefix per test) and on a Redis Cluster of
 * this file's own (three masters: test/helpers/redisKinds.ts), and Redis
 * outages on a private redis-server this file starts and stops (a cluster
 * losing a master: redisCluster.test.ts). Several gateway instances share one
 * set of demo services and one Redis, as a fleet would. Time moves through
 * the caches' injected clock, never by sleeping.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { DEFAULT_CACHE, DEFAULT_DOWNSTREAM, type GatewayConfig } from '../src/config';
import { startDemoServices, type DemoServices } from '../src/demo';
import { encodeCursor } from '../src/domain/cursor';
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { PrivateRedis, testPrefix, waitFor } from './helpers/redis';
import { redisKinds, useKind, type RedisKind } from './helpers/redisKinds';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';

let demo: DemoServices;
const instances: GatewayUnderTest[] = [];

beforeAll(async () => {
  demo = await startDemoServices();
});
afterEach(() => demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 }));
afterAll(async () => {
  await Promise.all(instances.map((i) => i.gateway.close()));
  await demo.close();
});

interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function clock(): Clock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

/** A clock that stands still until told: no entry's freshness runs out between two runs, however loaded the machine is. */
function stillClock(): Clock {
  let now = Date.now();
  return { now: () => now, advance: (ms) => void (now += ms) };
}

interface InstanceOptions {
  cache?: Partial<GatewayConfig['cache']>;
  downstream?: Partial<GatewayConfig['downstream']>;
  now?: () => number;
}

/**
 * A gateway instance on `kind` under `prefix` (a fleet shares one prefix),
 * closed with the other instances of `owned`. Its Redis commands may take a
 * second: these tests count round trips and hits, and a 50 ms command
 * timeout would turn a jest worker that the other worker starves of CPU for a
 * moment into a spurious miss. The timeout itself is tested on a frozen
 * private Redis below.
 */
async function instanceOn(kind: RedisKind | null, owned: GatewayUnderTest[], prefix: string, options: InstanceOptions = {}) {
  kind?.use(prefix);
  const gateway = await startGateway(demo.urls, {
    config: {
      cache: { ...DEFAULT_CACHE, ...kind?.cache(), prefix, responseCache: false, redisCommandTimeoutMs: 1000, ...options.cache },
      downstream: { ...DEFAULT_DOWNSTREAM, ...options.downstream },
    },
    ...(options.now ? { now: options.now } : {}),
  });
  owned.push(gateway);
  await waitFor(async () => (await readiness(gateway)).redis === 'up', 'Redis to be connected');
  return gateway;
}

async function readiness(gateway: GatewayUnderTest): Promise<{ status: string; redis: string }> {
  const res = await request(`${gateway.url}/readyz`);
  return (await res.body.json()) as { status: string; redis: string };
}

/** Runs a contract operation; returns once the request's L2 writes have landed, so another instance can read them. */
async function run(gateway: GatewayUnderTest, name: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const op = operation(name);
  demo.resetRequests();
  const result = await gateway.graphql(op.frontend, op.document, variables ?? op.variables, headers);
  await gateway.gateway.settled();
  return { ...result, calls: demo.requests().length, cache: result.body.extensions?.cache as Record<string, number | string> };
}

const bearer = async (userId: string) => ({ authorization: `Bearer ${await developmentToken(userId, TEST_JWT_SECRET)}` });

describe.each(redisKinds())('on %s', (_name, kind) => {
  const mine: GatewayUnderTest[] = [];
  const instance = (prefix: string, options?: InstanceOptions) => instanceOn(kind, mine, prefix, options);
  useKind(kind, mine);

  describe('warm cache', () => {
    const cases: [string, number][] = [
      ['WebProductPage', 8],
      ['WebCategoryListing', 4],
      ['MobileHome', 4],
    ];

    it.each(cases)('%s: cold %i calls, then zero from L1, and zero from L2 on another instance', async (name, cold) => {
      const prefix = testPrefix(`warm-${name}`);
      const { now } = stillClock();
      const a = await instance(prefix, { now });
      const first = await run(a, name);
      expect(first.body.errors).toBeUndefined();
      expect(first.calls).toBe(cold);

      const second = await run(a, name);
      expect(second.calls).toBe(0);
      expect(second.body.data).toEqual(first.body.data);
      expect(second.cache).toMatchObject({ misses: 0, l2Hits: 0, redisReads: 0, redisWrites: 0 });
      expect(second.cache.l1Hits).toBeGreaterThan(0);

      const b = await instance(prefix, { now });
      const third = await run(b, name);
      expect(third.calls).toBe(0);
      expect(third.body.data).toEqual(first.body.data);
      // From L2 (entries promoted to this instance's L1 may answer later reads of the same request).
      expect(third.cache).toMatchObject({ misses: 0, redisWrites: 0 });
      expect(third.cache.l2Hits).toBeGreaterThan(0);
    });
  });

  describe('warm reads', () => {
    /** L1 reads by family during one request (gateway_cache_lookups_total, tier l1). */
    async function l1ReadsOf(gateway: GatewayUnderTest, name: string): Promise<Record<string, number>> {
      const scrape = async () => {
        const text = await (await request(`${gateway.url}/metrics`)).body.text();
        const counts = new Map<string, number>();
        for (const match of text.matchAll(/^gateway_cache_lookups_total\{family="(\w+)",tier="l1"\} (\d+)$/gm)) counts.set(match[1] as string, Number(match[2]));
        return counts;
      };
      const before = await scrape();
      expect((await run(gateway, name)).calls).toBe(0);
      const reads: Record<string, number> = {};
      for (const [family, count] of await scrape()) if (count > (before.get(family) ?? 0)) reads[family] = count - (before.get(family) ?? 0);
      return reads;
    }

    it('WebProductPage: each entity is read from L1 once, none a second time by a prefetch', async () => {
      const prefix = testPrefix('warm-reads');
      const { now } = stillClock();
      const a = await instance(prefix, { now });
      await run(a, 'WebProductPage');
      // The product and its 8 recommended products, their ratings (and the page's rating summary), 10 review
      // authors, one review page, one recommendation list, the product's stock, the categories for 2 fields.
      // A warm product used to start its reviews, rating and recommendations as a prefetch and then resolve
      // them again: 27 rating reads, 17 product reads, 2 review pages, 2 recommendation lists.
      expect(await l1ReadsOf(a, 'WebProductPage')).toEqual({ product: 9, rating: 10, user: 10, reviews: 1, recommendations: 1, stock: 1, categories: 2 });
    });
  });

  describe('warm cache, signed in', () => {
    it('WebAccountOrders: cold 3 calls, then zero (account and orders cached under the verified user id)', async () => {
      const a = await instance(testPrefix('warm-account'));
      const user = await bearer('u-0001');
      expect((await run(a, 'WebAccountOrders', { first: 10 }, user)).calls).toBe(3);
      const warm = await run(a, 'WebAccountOrders', { first: 10 }, user);
      expect(warm.calls).toBe(0);
      expect(warm.body.data!.me.email).toBe(demo.data.usersById.get('u-0001')!.email);
      const other = await run(a, 'WebAccountOrders', { first: 10 }, await bearer('u-0002'));
      expect(other.body.data!.me.id).toBe('u-0002');
      expect(other.calls).toBeGreaterThan(0); // nothing of u-0001's answers u-0002
    });
  });

  describe('Redis round trips per request', () => {
    // Every contract query has two dependency levels (see criticalPath.test.ts).
    const levels: [string, number][] = [
      ['WebProductPage', 2],
      ['WebCategoryListing', 2],
      ['MobileHome', 2],
      ['MobileProduct', 2],
    ];

    // On a cluster each read and write is one pipeline per master holding some of its keys: at most
    // that many per level (the cluster's three, when a level's keys are spread over all of them).
    it.each(levels)('%s: at most %i reads (one per level) and one write, cold and warm', async (name, depth) => {
      const prefix = testPrefix(`trips-${name}`);
      const { now } = stillClock();
      const a = await instance(prefix, { now });
      const cold = await run(a, name);
      const nodes = await kind.nodesHolding(await kind.keysUnder(prefix));
      expect(cold.cache.redisReads).toBeLessThanOrEqual(depth * nodes);
      expect(cold.cache.redisWrites).toBe(nodes);

      const b = await instance(prefix, { now });
      const l2 = await run(b, name);
      expect(l2.cache.redisReads).toBeLessThanOrEqual(depth * nodes);
      expect(l2.cache.redisReads).toBeGreaterThanOrEqual(depth);
      expect({ ...l2.cache, calls: l2.calls }).toMatchObject({ redisWrites: 0 });

      const l1 = await run(b, name);
      expect(l1.cache).toMatchObject({ redisReads: 0, redisWrites: 0 });
    });

    it('still one read per level when the services of a level answer at very different times', async () => {
      // On a cluster a level's read is one pipeline per node: as many as the same request makes without the spread.
      const even = kind.cluster ? await run(await instance(testPrefix('trips-even')), 'WebProductPage') : null;
      const prefix = testPrefix('trips-spread');
      const a = await instance(prefix);
      demo.setKnobs({ latencyMs: 5 }, 'catalog');
      demo.setKnobs({ latencyMs: 40 }, 'reviews');
      demo.setKnobs({ latencyMs: 80 }, 'recommendations');
      const cold = await run(a, 'WebProductPage');
      expect(cold.body.errors).toBeUndefined();
      expect(cold.calls).toBe(8);
      expect(cold.cache).toMatchObject({
        redisReads: even ? even.cache.redisReads : 2,
        redisWrites: await kind.nodesHolding(await kind.keysUnder(prefix)),
      });
    });
  });

  describe('two instances sharing Redis', () => {
    it('an order through one, then a read through the other, shows the new stock; a review, the new rating', async () => {
      const prefix = testPrefix('fleet');
      const [a, b] = [await instance(prefix), await instance(prefix)];
      const variables = { id: 'p-0002', reviewsFirst: 5 };
      const before = (await run(b, 'WebProductPage', variables)).body.data!.product;
      // Warm on both: each instance's L1 now holds the stock and rating.
      expect((await run(a, 'WebProductPage', variables)).calls).toBe(0);
      expect((await run(b, 'WebProductPage', variables)).calls).toBe(0);

      // B hears of each of A's evictions over Redis pub/sub (on a cluster, relayed between its nodes): wait until it has.
      const heard = (key: string, since: number) => waitFor(() => b.gateway.cache.log.knownInvalidatedSince(key, since), `B to hear of the eviction of ${key}`);
      const ordered = Date.now();
      const order = await run(a, 'WebPlaceOrder', { input: { lines: [{ productId: 'p-0002', quantity: 2 }] } }, await bearer('u-0100'));
      expect(order.body.data!.placeOrder.__typename).toBe('PlaceOrderSuccess');
      await heard(`stock:${demo.data.productsById.get('p-0002')!.sku}`, ordered);
      const afterOrder = (await run(b, 'WebProductPage', variables)).body.data!.product;
      expect(afterOrder.availability.quantity).toBe(before.availability.quantity - 2);
      expect(afterOrder.availability.quantity).toBe(demo.data.stockBySku.get(demo.data.productsById.get('p-0002')!.sku)!.available);

      // A user of each kind's own: a second review by the same user replaces the first (the demo services are shared).
      const reviewer = kind.cluster ? 'u-0110' : 'u-0100';
      const reviewed = Date.now();
      const review = await run(a, 'WebSubmitReview', { input: { productId: 'p-0002', rating: 1, title: 'Meh', body: 'Not for me.' } }, await bearer(reviewer));
      expect(review.body.data!.submitReview.__typename).toBe('SubmitReviewSuccess');
      await heard('rating:p-0002', reviewed);
      await heard('reviews:p-0002', reviewed);
      const afterReview = (await run(b, 'WebProductPage', variables)).body.data!.product;
      expect(afterReview.rating.count).toBe(before.rating.count + 1);
      expect(afterReview.reviews.totalCount).toBe(before.rating.count + 1);
      expect(afterReview.reviews.edges[0].node.title).toBe('Meh');
      expect(afterReview.rating).toEqual({ average: demo.data.ratingsByProduct.get('p-0002')!.average, count: demo.data.ratingsByProduct.get('p-0002')!.count });
    });

    it("an order evicts the user's cached order pages on every instance", async () => {
      const prefix = testPrefix('fleet-orders');
      const [a, b] = [await instance(prefix), await instance(prefix)];
      const user = await bearer('u-0101');
      const before = (await run(b, 'WebAccountOrders', { first: 10 }, user)).body.data!.me.orders.edges.length;
      expect((await run(b, 'WebAccountOrders', { first: 10 }, user)).calls).toBe(0); // account and order pages cached for this user
      const ordered = Date.now();
      await run(a, 'WebPlaceOrder', { input: { lines: [{ productId: 'p-0003', quantity: 1 }] } }, user);
      // B hears of A's eviction over Redis pub/sub (on a cluster, relayed between its nodes).
      await waitFor(() => b.gateway.cache.log.knownInvalidatedSince('orders:u-0101', ordered), 'B to hear of the eviction');
      const after = (await run(b, 'WebAccountOrders', { first: 10 }, user)).body.data!.me.orders.edges;
      expect(after).toHaveLength(Math.min(10, before + 1));
      expect(after[0].node.id).toBe(demo.data.ordersByUser.get('u-0101')![0]!.id);
    });
  });

  describe('stale-while-revalidate', () => {
    it('past freshness, answers at once from the stale entry and refreshes once across the fleet', async () => {
      const time = clock();
      const prefix = testPrefix('swr');
      const [a, b] = [await instance(prefix, { now: time.now }), await instance(prefix, { now: time.now })];
      await run(a, 'MobileProduct');
      time.advance(6_000); // stock is fresh for 5 s, served stale for 5 s more; everything else is still fresh

      demo.resetRequests();
      const op = operation('MobileProduct');
      const [fromA, fromB] = await Promise.all([a.graphql('mobile', op.document, op.variables), b.graphql('mobile', op.document, op.variables)]);
      for (const result of [fromA, fromB]) {
        expect(result.body.errors).toBeUndefined();
        expect(result.body.data!.product.availability.inStock).toBe(true);
        expect(result.body.extensions!.cache.stale).toBe(1);
        expect(result.body.extensions!.cache.misses).toBe(0);
      }
      const stockCalls = () => demo.requests().filter((r) => r.route === 'GET /stock').length;
      await waitFor(() => stockCalls() >= 1, 'the background refresh');
      await waitFor(async () => (await a.graphql('mobile', op.document, op.variables)).body.extensions!.cache.stale === 0, 'a fresh entry on A');
      await waitFor(async () => (await b.graphql('mobile', op.document, op.variables)).body.extensions!.cache.stale === 0, 'a fresh entry on B');
      expect(stockCalls()).toBe(1);
    });
  });

  describe('stale-if-error', () => {
    it('a failing service is answered from a stale entry, reported in extensions; past the limit it fails', async () => {
      const time = clock();
      const a = await instance(testPrefix('sie'), { now: time.now, downstream: { retries: 0 } });
      const fresh = await run(a, 'MobileProduct');
      time.advance(11_000); // stock: past its 5 s + 5 s stale-while-revalidate, within 300 s stale-if-error
      demo.setKnobs({ failureRate: 1 }, 'inventory');

      const stale = await run(a, 'MobileProduct');
      expect(stale.body.errors).toBeUndefined();
      expect(stale.body.data).toEqual(fresh.body.data);
      expect(stale.body.extensions!.staleIfError).toEqual([
        { entity: 'stock:SKU-000001', ageSeconds: expect.any(Number), code: 'DOWNSTREAM_ERROR', service: 'inventory' },
      ]);
      expect(stale.body.extensions!.staleIfError[0].ageSeconds).toBeGreaterThanOrEqual(11);

      // Repeated failures open the circuit: still answered from the stale entry, now without calling.
      for (let i = 0; i < 5; i++) await run(a, 'MobileProduct');
      const open = await run(a, 'MobileProduct');
      expect(open.calls).toBe(0);
      expect(open.body.extensions!.staleIfError[0]).toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE', service: 'inventory' });

      time.advance(400_000); // past stale-if-error: the field fails, the rest is fetched afresh
      const failed = await run(a, 'MobileProduct');
      expect(failed.body.data!.product.availability).toBeNull();
      expect(failed.body.data!.product.name).toBe(fresh.body.data!.product.name);
      expect(failed.body.errors?.[0]?.extensions?.service).toBe('inventory');
    });
  });

  describe('private data', () => {
    it("user A's orders and email never reach user B, from any cache", async () => {
      const prefix = testPrefix('private');
      const [a, b] = [await instance(prefix, { cache: { responseCache: true } }), await instance(prefix, { cache: { responseCache: true } })];
      const alice = await run(a, 'WebAccountOrders', { first: 10 }, await bearer('u-0001'));
      const aliceEmail = demo.data.usersById.get('u-0001')!.email;
      expect(alice.body.data!.me.email).toBe(aliceEmail);
      const aliceOrders = alice.body.data!.me.orders.edges.map((e: any) => e.node.id);
      await run(a, 'MobileHome', {}, await bearer('u-0001'));

      for (const gateway of [a, b]) {
        const bob = await run(gateway, 'WebAccountOrders', { first: 10 }, await bearer('u-0002'));
        const text = JSON.stringify(bob.body);
        expect(bob.body.data!.me.email).toBe(demo.data.usersById.get('u-0002')!.email);
        expect(text).not.toContain(aliceEmail);
        for (const id of aliceOrders) expect(text).not.toContain(`"${id}"`);
        const bobHome = await run(gateway, 'MobileHome', {}, await bearer('u-0002'));
        expect(bobHome.body.data!.home.recentOrders.map((o: any) => o.id)).toEqual(demo.data.ordersByUser.get('u-0002')!.slice(0, 3).map((o) => o.id));
        const anonymous = await run(gateway, 'MobileHome');
        expect(anonymous.body.data!.home.recentOrders).toEqual([]);
        expect(JSON.stringify(anonymous.body)).not.toContain(aliceOrders[0]);
      }

      // Emails sit only in each user's own account entry, order pages only under their owner's key.
      const client = kind.client();
      try {
        for (const key of await kind.keysUnder(prefix)) {
          const type = await client.type(key);
          const values = type === 'hash' ? Object.values(await client.hgetall(key)) : type === 'string' ? [await client.get(key)] : [];
          if (key.includes('account:v')) {
            const owner = /\{(u-\d+)\}/.exec(key)![1]!;
            for (const value of values) expect(JSON.parse(value!).v).toMatchObject({ id: owner, email: demo.data.usersById.get(owner)!.email });
            continue;
          }
          for (const value of values) expect(value).not.toMatch(/@example\.com/);
          if (key.includes('orders:v')) {
            const owner = /\{(u-\d+)\}/.exec(key)![1];
            for (const value of values) expect(JSON.parse(value!).v.items.every((o: any) => o.userId === owner)).toBe(true);
          }
        }
      } finally {
        client.disconnect();
      }
    });
  });

  describe('response cache', () => {
    it('serves anonymous public operations whole, bypasses signed-in ones, and honours evictions', async () => {
      const time = clock();
      const prefix = testPrefix('responses');
      const [a, b] = [
        await instance(prefix, { now: time.now, cache: { responseCache: true } }),
        await instance(prefix, { now: time.now, cache: { responseCache: true } }),
      ];
      time.advance(2_000); // past the instances' start: their invalidation logs vouch from then on
      const variables = { id: 'p-0004', reviewsFirst: 3 };
      const first = await run(a, 'WebProductPage', variables);
      expect(first.cache.response).toBe('miss');
      const second = await run(a, 'WebProductPage', variables);
      expect(second.cache.response).toBe('hit');
      expect(second.calls).toBe(0);
      expect(second.body.data).toEqual(first.body.data);
      const other = await run(b, 'WebProductPage', variables);
      expect(other.cache.response).toBe('hit');
      expect(other.calls).toBe(0);

      // Another locale is another response.
      expect((await run(a, 'WebProductPage', variables, { 'accept-language': 'fr-FR' })).cache.response).toBe('miss');

      // Signed in: never from or into the response cache, and marked private for HTTP caches.
      const signedIn = await run(a, 'WebProductPage', variables, await bearer('u-0005'));
      expect(signedIn.cache.response).toBe('bypass');
      expect(signedIn.headers['cache-control']).toBe('private, no-store');

      // GET carries Cache-Control for CDNs, with the max-age of the shortest hint (stock: 5 s).
      const op = operation('WebProductPage');
      const url = `${a.url}/graphql/web?query=${encodeURIComponent(op.document)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
      const get = await request(url, { headers: { 'apollo-require-preflight': 'true' } });
      await get.body.text();
      expect(get.headers['cache-control']).toMatch(/^max-age=[1-5], public$/);

      // An order of this product evicts its stock: the cached page is no longer served, anywhere.
      const stock = `stock:${demo.data.productsById.get('p-0004')!.sku}`;
      const ordered = time.now();
      await run(a, 'WebPlaceOrder', { input: { lines: [{ productId: 'p-0004', quantity: 1 }] } }, await bearer('u-0005'));
      // B hears of A's eviction over Redis pub/sub (on a cluster, relayed between its nodes): once it has, it serves no
      // response built from the old stock.
      await waitFor(() => b.gateway.cache.log.knownInvalidatedSince(stock, ordered), 'B to hear of the eviction');
      for (const gateway of [b, a]) {
        const after = await run(gateway, 'WebProductPage', variables);
        expect(after.cache.response).toBe('miss');
        expect(after.body.data!.product.availability.quantity).toBe(first.body.data!.product.availability.quantity - 1);
      }
    });
  });

  describe('automatic persisted queries', () => {
    it('a hash registered through one instance works on every instance', async () => {
      const prefix = testPrefix('apq');
      const [a, b] = [await instance(prefix), await instance(prefix)];
      // Not a trusted document (those are known by hash without registering: trustedDocuments.test.ts).
      const query = 'query Lamps($search: String!) { products(search: $search) { edges { node { id name } } } }';
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const send = (gateway: GatewayUnderTest, body: object) =>
        request(`${gateway.url}/graphql/mobile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
          async (res) => (await res.body.json()) as { data?: any; errors?: any[] },
        );
      const extensions = { persistedQuery: { version: 1, sha256Hash } };
      expect((await send(b, { extensions, variables: { search: 'lamp' } })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await send(a, { query, extensions, variables: { search: 'lamp' } })).data.products.edges).toHaveLength(20);
      await waitFor(async () => (await send(b, { extensions, variables: { search: 'lamp' } })).data?.products.edges.length === 20, 'B to find the query in Redis');
    });
  });

  describe('refused pages', () => {
    it('a page the service refuses (a forged position) is answered every time, never cached', async () => {
      const a = await instance(testPrefix('refused'));
      const after = encodeCursor('products', { page: 'not-a-service-cursor', skip: 0 });
      for (let i = 0; i < 2; i++) {
        const result = await run(a, 'WebCategoryListing', { categoryId: 'c-001', first: 5, after });
        expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(demo.requests().filter((r) => r.route === 'GET /products')).toHaveLength(1);
      }
    });
  });
});

describe('Redis down', () => {
  let redis: PrivateRedis;
  const mine: GatewayUnderTest[] = [];
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    // Close the gateways that use this Redis before stopping it for good.
    for (const gateway of mine) await gateway.gateway.close();
    await redis.stop();
  });

  const onPrivateRedis = (prefix = testPrefix('down')) =>
    instanceOn(null, mine, prefix, { cache: { redisUrl: redis.url, redisCommandTimeoutMs: DEFAULT_CACHE.redisCommandTimeoutMs } });

  it('requests keep succeeding while Redis is stopped, and the cache is used again once it is back', async () => {
    const a = await onPrivateRedis();
    expect((await run(a, 'MobileProduct')).body.errors).toBeUndefined();

    await redis.stop();
    await waitFor(async () => (await readiness(a)).redis === 'down', '/readyz to report Redis down');
    expect(await readiness(a)).toMatchObject({ status: 'degraded', redis: 'down' });
    for (const name of ['WebCategoryListing', 'MobileSearch', 'MobileProduct']) {
      const result = await run(a, name);
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
    }
    const listing = await run(a, 'WebCategoryListing');
    expect(listing.calls).toBe(0); // L1 still answers

    await redis.start();
    await waitFor(async () => (await readiness(a)).redis === 'up', 'the gateway to reconnect');
    expect((await readiness(a)).status).toBe('ready');
    a.gateway.clearLocalCaches();
    const refill = await run(a, 'WebProductPage');
    expect(refill.cache.redisWrites).toBe(1);
    const b = await onPrivateRedis(a.gateway.config.cache.prefix);
    await waitFor(async () => (await run(b, 'WebProductPage')).calls === 0, 'L2 to answer a new instance');
  });

  it('a frozen Redis costs at most its command timeout: requests complete from L1 and the services', async () => {
    const a = await onPrivateRedis();
    redis.freeze();
    try {
      const result = await run(a, 'WebCategoryListing');
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.calls).toBe(4);
      expect(result.cache.redisErrors).toBeGreaterThanOrEqual(1);
    } finally {
      redis.thaw();
    }
  });
});

describe('without REDIS_URL', () => {
  it('caches in process memory: a second request makes no downstream call', async () => {
    const gateway = await startGateway(demo.urls, { config: { cache: { ...DEFAULT_CACHE, responseCache: false } } });
    instances.push(gateway);
    expect((await readiness(gateway)).redis).toBe('not configured');
    expect((await run(gateway, 'WebCategoryListing')).calls).toBe(4);
    const warm = await run(gateway, 'WebCategoryListing');
    expect(warm.calls).toBe(0);
    expect(warm.cache).toMatchObject({ redisReads: 0, redisWrites: 0 });
  });
});
