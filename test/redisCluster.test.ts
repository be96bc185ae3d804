/**
 * What only a Redis Cluster has (a cluster of this file's own: three masters,
 * no replicas, test/helpers/redisCluster.ts): our key slots are the
 * cluster's, a batch is one pipeline per master holding its keys, an
 * eviction reaches the other instances over sharded pub/sub once its keys
 * are gone, and a master killed mid-run: requests keep succeeding from L1
 * and the services, /readyz says degraded, nothing waits for the command
 * timeout, subscriptions on its shard end with LIVE_FEED_UNAVAILABLE, and
 * all is used again once the node is back. The behaviours both kinds of
 * Redis share are in cache.test.ts, rateLimit.test.ts and
 * subscriptionFanout.test.ts.
 */
import { request } from 'undici';
import { DEFAULT_CACHE, DEFAULT_SUBSCRIPTIONS } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { redisKey, type CacheAddress } from '../src/cache/keys';
import { RedisTier } from '../src/cache/redisTier';
import { startDemoServices, type DemoServices } from '../src/demo';
import { keySlot } from '../src/redis/keySlot';
import { operation } from './helpers/contract';
import { testPrefix, waitFor } from './helpers/redis';
import { PrivateCluster } from './helpers/redisCluster';
import { startGateway, TEST_HTTP, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';
import { RawClient, subscribeUntilRunning, wsUrl } from './helpers/subscriptions';

let cluster: PrivateCluster;
let demo: DemoServices;
const started: GatewayUnderTest[] = [];
const tiers: RedisTier[] = [];

beforeAll(async () => {
  [cluster, demo] = await Promise.all([PrivateCluster.start(), startDemoServices()]);
}, 60_000);
afterAll(async () => {
  await Promise.all(started.map((g) => g.gateway.close()));
  await Promise.all(tiers.map((t) => t.close()));
  await demo.close();
  await cluster?.stop();
});

const target = () => ({ url: cluster.url, cluster: true });

async function tier(prefix: string): Promise<RedisTier> {
  const made = new RedisTier({ target: target(), prefix, commandTimeoutMs: 1000, breaker: { threshold: 3, cooldownMs: 5000 } });
  tiers.push(made);
  await waitFor(() => made.ready, 'the tier to reach every master');
  return made;
}

describe('key slots', () => {
  it('are the cluster’s own, for plain keys, hash tags and multi-byte text', async () => {
    const keys = ['foo', '123456789', 'bff:product:v1:{p-0001}', '{u-0101}:orders', 'a{}b', 'a{', '}{x}', '{a}{b}', 'x{}{y}', 'prix-€-{ünï}', '', '{'];
    const client = cluster.ports[0] as number;
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(client, '127.0.0.1');
    try {
      for (const key of keys) expect([key, keySlot(key)]).toEqual([key, await redis.cluster('KEYSLOT', key)]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a batch on the cluster', () => {
  it('is one pipeline per master holding its keys, and answers every key', async () => {
    const prefix = testPrefix('batch');
    const [writer, reader] = [await tier(prefix), await tier(prefix)];
    const addresses: CacheAddress[] = Array.from({ length: 30 }, (_, i) => ({ family: 'product', owner: `p-${String(i + 1).padStart(4, '0')}` }));
    const masters = new Set(await cluster.ownersOf(addresses.map((a) => redisKey(prefix, a.family, a.owner))));
    expect(masters.size).toBe(3); // thirty products land on every master
    expect(reader.roundTrips(addresses)).toBe(masters.size);
    expect(reader.roundTrips(addresses.slice(0, 1))).toBe(1);

    const now = Date.now();
    await writer.write(addresses.map((address) => ({ address, value: JSON.stringify({ v: address.owner, s: now, f: now + 60_000 }), ttlMs: 60_000, fetchedAt: now })));
    const values = await reader.read(addresses);
    expect(values.map((v) => (v ? JSON.parse(v).v : null))).toEqual(addresses.map((a) => a.owner));
  });

  it('an eviction across masters reaches every instance, and its entries are gone when it does', async () => {
    const prefix = testPrefix('evict');
    const [a, b] = [await tier(prefix), await tier(prefix)];
    const owners: CacheAddress[] = [{ family: 'stock', owner: 'SKU-000001' }, { family: 'stock', owner: 'SKU-000002' }, { family: 'orders', owner: 'u-0001' }, { family: 'rating', owner: 'p-0007' }];
    expect(a.roundTrips(owners)).toBeGreaterThan(1); // the case where the message must follow the deletions
    const now = Date.now();
    await a.write(owners.map((address) => ({ address, value: JSON.stringify({ v: 1, s: now - 5000, f: now + 60_000 }), ttlMs: 60_000, fetchedAt: now - 5000 })));
    const heard: string[][] = [];
    // What B finds in L2 the moment it hears the eviction.
    const foundOnHearing: Promise<(string | null)[]>[] = [];
    b.onInvalidate((keys) => {
      heard.push(keys);
      foundOnHearing.push(b.read(owners));
    });
    await a.evict(owners, Date.now());
    await waitFor(() => heard.length === 1, 'B to hear the eviction');
    expect(heard[0]).toEqual(['stock:SKU-000001', 'stock:SKU-000002', 'orders:u-0001', 'rating:p-0007']);
    expect(await foundOnHearing[0]).toEqual([null, null, null, null]);
    // And a late write of a value fetched before the eviction is refused on every master.
    await a.write(owners.map((address) => ({ address, value: '{"v":"old"}', ttlMs: 60_000, fetchedAt: now - 5000 })));
    expect(await b.read(owners)).toEqual([null, null, null, null]);
  });
});

describe('a master killed mid-run', () => {
  /**
   * REDIS_COMMAND_TIMEOUT_MS is 10 s here, far above any request of this
   * test: a request that waited for a command to time out would take longer
   * than that, which the test would see without any margin being tight.
   */
  const COMMAND_TIMEOUT_MS = 10_000;

  it('requests keep succeeding from L1 and the services, /readyz says degraded, nothing waits for the timeout; once back, Redis is used again', async () => {
    const prefix = testPrefix('kill');
    const options = { config: { cache: { ...DEFAULT_CACHE, redisUrl: cluster.url, redisCluster: true, prefix, responseCache: false, redisCommandTimeoutMs: COMMAND_TIMEOUT_MS } } };
    const [a, b] = [await startGateway(demo.urls, options), await startGateway(demo.urls, options)];
    started.push(a, b);
    const readiness = async (g: GatewayUnderTest) => (await (await request(`${g.url}/readyz`)).body.json()) as { status: string; redis: string };
    await waitFor(async () => (await readiness(a)).redis === 'up' && (await readiness(b)).redis === 'up', 'both instances on the cluster');
    const names = ['WebProductPage', 'WebCategoryListing', 'MobileHome', 'MobileProduct', 'MobileSearch'];
    for (const name of names) {
      const op = operation(name);
      expect((await a.graphql(op.frontend, op.document, op.variables)).body.errors).toBeUndefined();
    }
    await a.gateway.settled();

    // Both instances keep serving, in a loop, while the master of the product's keys dies.
    const results: { status: number; errors: unknown; ms: number; afterKill: boolean }[] = [];
    let killed = false;
    let stop = false;
    const loop = (g: GatewayUnderTest) =>
      (async () => {
        for (let i = 0; !stop; i++) {
          const op = operation(names[i % names.length] as string);
          const sent = performance.now();
          const afterKill = killed;
          const { status, body } = await g.graphql(op.frontend, op.document, op.variables);
          results.push({ status, errors: body.errors, ms: performance.now() - sent, afterKill });
        }
      })();
    const loops = [loop(a), loop(b)];
    await waitFor(() => results.length >= 10, 'requests before the kill');
    const victim = await cluster.ownerOf(redisKey(prefix, 'product', 'p-0001'));
    await cluster.kill(victim);
    killed = true;
    await waitFor(async () => (await readiness(a)).status === 'degraded' && (await readiness(b)).status === 'degraded', '/readyz to report degraded');
    expect(await readiness(a)).toMatchObject({ status: 'degraded', redis: expect.stringMatching(/^(down|breaker open)$/) });
    await waitFor(() => results.filter((r) => r.afterKill).length >= 30, 'requests after the kill', 30_000);
    // A write still works: its eviction reaches this instance's L1 at once; Redis is skipped.
    const order = await a.graphql('web', 'mutation { placeOrder(input: { lines: [{ productId: "p-0001", quantity: 1 }] }) { __typename } }', {}, { authorization: `Bearer ${await developmentToken('u-0120', TEST_JWT_SECRET)}` });
    expect(order.body.data).toEqual({ placeOrder: { __typename: 'PlaceOrderSuccess' } });
    stop = true;
    await Promise.all(loops);

    const afterKill = results.filter((r) => r.afterKill);
    expect(afterKill.filter((r) => r.status !== 200 || r.errors !== undefined)).toEqual([]);
    expect(results.filter((r) => r.status !== 200 || r.errors !== undefined)).toEqual([]);
    expect(Math.max(...afterKill.map((r) => r.ms))).toBeLessThan(COMMAND_TIMEOUT_MS);

    // The node comes back (empty): both instances use the cluster again.
    await cluster.restart(victim);
    await waitFor(async () => (await readiness(a)).status === 'ready' && (await readiness(b)).status === 'ready', 'both instances ready again', 30_000);
    a.gateway.clearLocalCaches();
    const op = operation('WebProductPage');
    const again = await a.graphql(op.frontend, op.document, op.variables);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.extensions?.cache).toMatchObject({ redisErrors: 0 });
    expect(again.body.extensions?.cache.redisReads).toBeGreaterThan(0);
  }, 120_000);

  it('subscriptions on its shard end with LIVE_FEED_UNAVAILABLE; once it is back, new ones get events', async () => {
    const prefix = testPrefix('kill-live');
    const gateway = await startGateway(demo.urls, {
      config: {
        cache: { ...DEFAULT_CACHE, redisUrl: cluster.url, redisCluster: true, prefix },
        subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pingIntervalMs: 0 },
        http: TEST_HTTP,
      },
    });
    started.push(gateway);
    const stock = 'subscription Stock($ids: [ID!]!) { stockChanged(productIds: $ids) { productId availability { quantity } } }';
    const client = await RawClient.open(wsUrl(gateway.url, 'web'));
    await client.init();
    const listening = () => gateway.gateway.live.listening === 1;
    await subscribeUntilRunning(client, listening, { query: stock, variables: { ids: ['p-0003'] } }, 'before-', 'a subscription on the cluster');
    const running = client.messages.length;

    // The master of the product's channel dies.
    const victim = await cluster.ownerOf(`${prefix}live:stock:{p-0003}`);
    await cluster.kill(victim);
    const lost = await client.next((m, i = client.messages.indexOf(m)) => i >= running && m.type === 'error', 'the error');
    expect(lost.payload).toEqual([{ message: 'The live feed was interrupted, so events may have been missed: query the current state, then subscribe again.', extensions: { code: 'LIVE_FEED_UNAVAILABLE' } }]);
    expect((await gateway.graphql('web', '{ product(id: "p-0001") { id } }')).body.data).toEqual({ product: { id: 'p-0001' } });

    await cluster.restart(victim);
    await subscribeUntilRunning(client, listening, { query: stock, variables: { ids: ['p-0003'] } }, 'after-', 'a subscription after the node is back', 30_000);
    const buyer = `Bearer ${await developmentToken('u-0121', TEST_JWT_SECRET)}`;
    const placed = await gateway.graphql('web', 'mutation { placeOrder(input: { lines: [{ productId: "p-0003", quantity: 1 }] }) { __typename } }', {}, { authorization: buyer });
    expect(placed.body.data).toEqual({ placeOrder: { __typename: 'PlaceOrderSuccess' } });
    const event = await client.next((m) => String(m.id).startsWith('after-') && m.type === 'next' && m.payload.data, 'an event after the node is back');
    expect(event.payload.data.stockChanged.productId).toBe('p-0003');
    client.close();
  }, 120_000);
});
