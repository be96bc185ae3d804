/**
 * Subscriptions across a fleet sharing Redis (real Redis, real sockets, the
 * demo services), on a single Redis and on a Redis Cluster of this file's own
 * (sharded pub/sub: test/helpers/redisKinds.ts): an order placed through one instance reaches the
 * subscribers of every instance, and only its own user's; a thousand
 * subscribers each get an event once; the stock poller makes one inventory
 * call per interval whatever the fleet; a client that never reads costs a
 * bounded queue; a lost feed ends subscriptions with a clear error; and an
 * event published while the publishing connection reconnects is not lost.
 * The clocks are manual (test/helpers/subscriptions.ts): intervals pass when
 * a test advances them, never by waiting.
 */
import Redis from 'ioredis';
import { DEFAULT_CACHE, DEFAULT_SUBSCRIPTIONS, type GatewayConfig } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { startDemoServices, type DemoServices } from '../src/demo';
import { RedisEventBus } from '../src/subscriptions/redisEventBus';
import { deleteUnder, PrivateRedis, SHARED_REDIS_URL, testPrefix, waitFor } from './helpers/redis';
import { redisKinds, useKind, type RedisKind } from './helpers/redisKinds';
import { startGateway, TEST_HTTP, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';
import { liveClient, ManualTimers, RawClient, subscribe, subscribeUntilRunning, wsUrl, type Received } from './helpers/subscriptions';

const STOCK = 'subscription Stock($ids: [ID!]!) { stockChanged(productIds: $ids) { productId availability { quantity } } }';
const ORDERS = 'subscription Orders { myOrderPlaced { id lines { quantity product { id } } } }';
const PLACE = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { __typename ... on PlaceOrderSuccess { order { id } } } }';
const POLL_MS = 1000;

let demo: DemoServices;
const prefixes: string[] = [];
const running: GatewayUnderTest[] = [];
beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(async () => {
  await Promise.all(running.map((g) => g.gateway.close()));
  await demo.close();
  await Promise.all(prefixes.map((p) => deleteUnder(SHARED_REDIS_URL, p)));
});

/** `count` instances of one fleet: the same Redis (default the machine's single one) and prefix, one manual clock. */
async function fleet(count: number, options: { kind?: RedisKind; redisUrl?: string; config?: Partial<GatewayConfig> } = {}): Promise<{ instances: GatewayUnderTest[]; timers: ManualTimers }> {
  const prefix = testPrefix('live');
  if (options.kind) options.kind.use(prefix);
  else prefixes.push(prefix);
  const timers = new ManualTimers();
  const redis = options.redisUrl ? { redisUrl: options.redisUrl } : (options.kind?.cache() ?? { redisUrl: SHARED_REDIS_URL });
  const config: Partial<GatewayConfig> = {
    cache: { ...DEFAULT_CACHE, ...redis, prefix },
    // Pings off (the clock jumps); no connection cap: a thousand sockets.
    subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pingIntervalMs: 0, pollIntervalMs: POLL_MS },
    http: { ...TEST_HTTP, maxConnections: 0 },
    ...options.config,
  };
  const instances: GatewayUnderTest[] = [];
  for (let i = 0; i < count; i++) instances.push(await startGateway(demo.urls, { config, timers }));
  running.push(...instances);
  // A subscription asked for before the feed is up waits a few seconds at most, then is refused: a loaded machine may take longer.
  await waitFor(() => instances.every((g) => g.gateway.live.feedUp), 'the live feed of every instance', 20_000);
  return { instances, timers };
}

const token = (userId: string) => developmentToken(userId, TEST_JWT_SECRET);
const available = (productId: string) => demo.data.stockBySku.get(demo.data.productsById.get(productId)!.sku)!.available;
const quantities = (received: Received) => received.results.map((r) => r.data?.stockChanged?.availability.quantity);
const stockCalls = () => demo.requests().filter((r) => r.route === 'GET /stock');

async function placeOrder(instance: GatewayUnderTest, userToken: string, productId: string, quantity = 1): Promise<string> {
  const result = await instance.graphql('web', PLACE, { input: { lines: [{ productId, quantity }] } }, { authorization: `Bearer ${userToken}` });
  expect(result.body.data?.placeOrder.__typename).toBe('PlaceOrderSuccess');
  return result.body.data?.placeOrder.order.id;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

describe.each(redisKinds())('on %s', (_name, kind) => {
  useKind(kind, running);

  describe('two instances sharing Redis', () => {
    it('a client on A sees an order placed through B, with the new stock, within 100 ms; another user receives nothing', async () => {
      const { instances: [a, b] } = await fleet(2, { kind });
      const [buyer, bystander] = await Promise.all([token('u-0101'), token('u-0102')]);
      const onA = liveClient(a!.url, 'web', buyer);
      const orders = subscribe(onA, ORDERS);
      const stock = subscribe(onA, STOCK, { ids: ['p-0002'] });
      const otherOnA = subscribe(liveClient(a!.url, 'web', bystander), ORDERS);
      const otherOnB = subscribe(liveClient(b!.url, 'mobile', bystander), 'subscription { myOrderPlaced { id } }');
      await waitFor(() => a!.gateway.live.listening === 3 && b!.gateway.live.listening === 1, 'the subscriptions');

      const orderMs: number[] = [];
      const stockMs: number[] = [];
      for (let i = 0; i < 100; i++) {
        const sent = performance.now();
        const id = await placeOrder(b!, buyer, 'p-0002');
        await waitFor(() => orders.results.length > i && stock.results.length > i, `event ${i}`);
        orderMs.push((orders.times[i] as number) - sent);
        stockMs.push((stock.times[i] as number) - sent);
        expect(orders.results[i]?.data?.myOrderPlaced).toEqual({ id, lines: [{ quantity: 1, product: { id: 'p-0002' } }] });
        expect(stock.results[i]?.data?.stockChanged).toEqual({ productId: 'p-0002', availability: { quantity: available('p-0002') } });
      }
      const figures = (ms: number[]) => ({ median: Math.round(percentile(ms, 50) * 10) / 10, p90: Math.round(percentile(ms, 90) * 10) / 10, max: Math.round(Math.max(...ms) * 10) / 10 });
      // Measured from sending the mutation to B until the event arrives on A: the write itself included.
      console.log(`cross-instance delivery over 100 orders (ms, from the mutation's start): order ${JSON.stringify(figures(orderMs))}, stock ${JSON.stringify(figures(stockMs))}`);
      // The median must be within 100 ms; single events may be late on a loaded CI machine (the max is printed).
      expect(figures(orderMs).median).toBeLessThanOrEqual(100);
      expect(figures(stockMs).median).toBeLessThanOrEqual(100);
      expect(otherOnA.results).toEqual([]);
      expect(otherOnB.results).toEqual([]);

      // The bystander's own order reaches the bystander on both instances, and not the buyer.
      const own = await placeOrder(a!, bystander, 'p-0003');
      await waitFor(() => otherOnA.results.length === 1 && otherOnB.results.length === 1, "the bystander's order");
      expect(otherOnB.results[0]?.data).toEqual({ myOrderPlaced: { id: own } });
      expect(orders.results).toHaveLength(100);
      expect((await a!.graphql('web', '{ product(id: "p-0001") { id } }')).body.data).toEqual({ product: { id: 'p-0001' } });
    });

    it('1,000 concurrent subscribers on one instance each receive each event once', async () => {
      const { instances: [a, b] } = await fleet(2, { kind });
      // Each subscriber has a socket of its own.
      const sockets = Array.from({ length: 1000 }, () => liveClient(a!.url, 'mobile'));
      const subscribers = sockets.map((client) => subscribe(client, STOCK, { ids: ['p-0003'] }));
      await waitFor(() => a!.gateway.live.listening === 1000, 'a thousand subscriptions', 60_000);
      expect(a!.gateway.live.stats().sockets.mobile).toBe(1000);

      const buyer = await token('u-0103');
      await placeOrder(b!, buyer, 'p-0003', 2);
      const first = available('p-0003');
      await waitFor(() => subscribers.every((s) => s.results.length >= 1), 'the first event everywhere', 30_000);
      await placeOrder(b!, buyer, 'p-0003', 3);
      await waitFor(() => subscribers.every((s) => s.results.length >= 2), 'the second event everywhere', 30_000);
      for (const s of subscribers) expect(quantities(s)).toEqual([first, first - 3]);
      await Promise.all(sockets.map((c) => c.dispose()));
      await waitFor(() => a!.gateway.live.listening === 0, 'the subscriptions to end');
    }, 180_000); // 1,000 sockets opened and closed: bounds wide enough for a busy 2-core machine
  });

  describe('the stock poller', () => {
    const polled = async (g: GatewayUnderTest) => Number(/^gateway_stock_poller_runs_total\{outcome="polled"\} (\d+)/m.exec(await g.gateway.metrics.render())?.[1] ?? 0);

    it('makes one inventory call per interval for the whole fleet, and publishes only changes, including those made outside the gateway', async () => {
      const { instances, timers } = await fleet(3, { kind });
      const [a, b, c] = instances as [GatewayUnderTest, GatewayUnderTest, GatewayUnderTest];
      const watch = (g: GatewayUnderTest, ids: string[]) => ids.map((id) => ({ id, received: subscribe(liveClient(g.url, 'web'), STOCK, { ids: [id] }) }));
      const onA = [...watch(a, ['p-0010', 'p-0011', 'p-0012', 'p-0013', 'p-0014']), ...watch(a, ['p-0012'])];
      const onB = watch(b, ['p-0012', 'p-0013', 'p-0014', 'p-0015', 'p-0016']);
      await waitFor(() => a.gateway.live.listening === 6 && b.gateway.live.listening === 5, 'the subscriptions');

      demo.resetRequests();
      await timers.advance(POLL_MS);
      expect(stockCalls()).toHaveLength(1);
      const skus = (stockCalls()[0]?.query.skus ?? '').split(',').sort();
      expect(skus).toEqual(['p-0010', 'p-0011', 'p-0012', 'p-0013', 'p-0014', 'p-0015', 'p-0016'].map((id) => demo.data.productsById.get(id)!.sku).sort());
      // The first reading is where changes start from: nothing is published.
      await timers.advance(POLL_MS);
      expect(stockCalls()).toHaveLength(2);
      expect([...onA, ...onB].every((s) => s.received.results.length === 0)).toBe(true);

      // Stock changed outside the gateway (a warehouse correction). Levels of each kind's own:
      // the demo services are shared, and a level set by the run before would be no change.
      const shift = kind.cluster ? 1 : 0;
      for (const [id, units] of [['p-0012', 7 + shift], ['p-0016', 0 + shift]] as const) {
        const sku = demo.data.productsById.get(id)!.sku;
        demo.data.stockBySku.set(sku, { ...demo.data.stockBySku.get(sku)!, available: units });
      }
      await timers.advance(POLL_MS);
      expect(stockCalls()).toHaveLength(3);
      const got = (list: typeof onA, id: string) => list.filter((s) => s.id === id).map((s) => quantities(s.received));
      await waitFor(() => [...onA, ...onB].filter((s) => s.received.results.length > 0).length === 4, 'the changes');
      expect(got(onA, 'p-0012')).toEqual([[7 + shift], [7 + shift]]);
      expect(got(onB, 'p-0012')).toEqual([[7 + shift]]);
      expect(got(onB, 'p-0016')).toEqual([[0 + shift]]);
      await timers.advance(3 * POLL_MS);
      expect(stockCalls()).toHaveLength(6);
      expect([...onA, ...onB].reduce((n, s) => n + s.received.results.length, 0)).toBe(4);
      expect((await Promise.all(instances.map(polled))).reduce((n, runs) => n + runs, 0)).toBe(6);

      // The holder shuts down and gives the lock up: another instance polls from the next interval, on the levels seen.
      const holder = (await Promise.all(instances.map(polled))).findIndex((runs) => runs === 6);
      await (instances[holder] as GatewayUnderTest).gateway.shutdown();
      running.splice(running.indexOf(instances[holder] as GatewayUnderTest), 1);
      const sku = demo.data.productsById.get('p-0013')!.sku;
      demo.data.stockBySku.set(sku, { ...demo.data.stockBySku.get(sku)!, available: 3 + shift });
      demo.resetRequests();
      await timers.advance(POLL_MS);
      expect(stockCalls()).toHaveLength(1);
      const survivors = [a, b, c].filter((_, i) => i !== holder);
      expect((await Promise.all(survivors.map(polled))).reduce((n, runs) => n + runs, 0)).toBe(1);
      const watchers = [...(holder === 0 ? [] : onA), ...(holder === 1 ? [] : onB)].filter((s) => s.id === 'p-0013');
      await waitFor(() => watchers.every((s) => s.received.results.length === 1), 'the change after the takeover');
      expect(watchers.map((s) => quantities(s.received))).toEqual(watchers.map(() => [3 + shift]));
    });
  });
});

describe('a subscriber that never reads', () => {
  it('has its queue bounded, the oldest events dropped and counted; the others get every event', async () => {
    const queueEvents = 5;
    const { instances: [g] } = await fleet(1, { config: { subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pingIntervalMs: 0, queueEvents } } });
    const gateway = g as GatewayUnderTest;
    // About 25 KB per event, so the socket's buffers fill after some 160 events.
    const wide = Array.from({ length: 30 }, (_, i) => `d${i}: description`).join(' ');
    const slow = await RawClient.open(wsUrl(gateway.url, 'web'));
    await slow.init();
    slow.send({ id: 'wide', type: 'subscribe', payload: { query: `subscription { stockChanged(productIds: ["p-0004"]) { availability { quantity } product { ${wide} } } }` } });
    const fast = subscribe(liveClient(gateway.url, 'web'), STOCK, { ids: ['p-0004'] });
    await waitFor(() => gateway.gateway.live.listening === 2, 'both subscriptions');
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const dropped = async () => Number(/^gateway_subscription_events_dropped_total\{field="stockChanged"\} (\d+)/m.exec(await gateway.gateway.metrics.render())?.[1] ?? 0);
    const buyer = await token('u-0104');
    let sent = 0;
    while ((await dropped()) < 20 && sent < 1000) {
      await placeOrder(gateway, buyer, 'p-0004');
      sent++;
      await waitFor(() => fast.results.length === sent, `event ${sent} on the reading client`);
    }
    expect(await dropped()).toBeGreaterThanOrEqual(20);
    // The reading client got every event, in order.
    expect(quantities(fast)).toEqual(Array.from({ length: sent }, (_, i) => (quantities(fast)[0] as number) - i));
    expect((await gateway.graphql('web', '{ product(id: "p-0001") { id } }')).body.data).toEqual({ product: { id: 'p-0001' } });

    // Reading again, the slow client gets what its queue kept: the newest events, in order, the last one the latest level.
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const last = available('p-0004');
    await waitFor(() => slow.messages.some((m) => m.id === 'wide' && m.payload?.data?.stockChanged.availability.quantity === last), 'the latest level on the slow client');
    const levels = slow.messages.filter((m) => m.id === 'wide' && m.type === 'next').map((m) => m.payload.data.stockChanged.availability.quantity as number);
    expect(levels.length).toBeLessThan(sent);
    expect(levels.length + (await dropped())).toBe(sent);
    expect(levels.slice(-queueEvents)).toEqual(Array.from({ length: queueEvents }, (_, i) => last + queueEvents - 1 - i));
    expect([...levels].sort((x, y) => y - x)).toEqual(levels);
    slow.close();
  }, 90_000);
});

describe('a lost feed', () => {
  it('ends the subscriptions with LIVE_FEED_UNAVAILABLE, refuses new ones while Redis is down, and works again once it is back', async () => {
    const redis = await PrivateRedis.start();
    try {
      const { instances: [g] } = await fleet(1, { redisUrl: redis.url });
      const gateway = g as GatewayUnderTest;
      const client = await RawClient.open(wsUrl(gateway.url, 'web'));
      await client.init();
      client.send({ id: 'before', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0002'] } } });
      await waitFor(() => gateway.gateway.live.listening === 1, 'the subscription');

      await redis.stop();
      const lost = await client.next((m) => m.id === 'before' && m.type === 'error', 'the error');
      expect(lost.payload).toEqual([{ message: 'The live feed was interrupted, so events may have been missed: query the current state, then subscribe again.', extensions: { code: 'LIVE_FEED_UNAVAILABLE' } }]);
      client.send({ id: 'during', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0002'] } } });
      const refused = await client.next((m) => m.id === 'during' && m.type === 'next', 'the refusal');
      expect(refused.payload.errors[0]).toMatchObject({ message: 'The live feed is down, so this subscription cannot start: try again in a few seconds.', extensions: { code: 'LIVE_FEED_UNAVAILABLE' } });
      expect((await gateway.graphql('web', '{ product(id: "p-0001") { id } }')).body.data).toEqual({ product: { id: 'p-0001' } });

      await redis.start();
      await subscribeUntilRunning(client, () => gateway.gateway.live.listening === 1, { query: STOCK, variables: { ids: ['p-0002'] } }, 'after-', 'a subscription after Redis is back');
      // The subscriber connection is back (the subscription runs); the publishing one reconnects on its own
      // schedule, and a publish waits for it: the first order's event arrives.
      await placeOrder(gateway, await token('u-0105'), 'p-0002');
      await client.next((m) => String(m.id).startsWith('after-') && m.type === 'next' && m.payload.data, 'the first event after the feed is back');
      client.close();
    } finally {
      await redis.stop();
    }
  });
});

describe('an event published while the publishing connection reconnects', () => {
  it('waits for the connection, so the event reaches the subscribers that are already listening again', async () => {
    const redis = await PrivateRedis.start();
    const bus = new RedisEventBus({ target: { url: redis.url, cluster: false }, commandTimeoutMs: 500 });
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    try {
      const received: string[] = [];
      await bus.subscribe('stock', (message) => received.push(message));
      await waitFor(() => bus.publishing, 'the publishing connection');
      // Drops the publishing connection only: the subscriber's is of type pubsub, and the admin's is skipped.
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await waitFor(() => !bus.publishing, 'the publishing connection dropped');
      expect(bus.up).toBe(true);
      await bus.publish('stock', 'after the drop');
      await waitFor(() => received.includes('after the drop'), 'the event');
      expect(bus.publishing).toBe(true);
    } finally {
      admin.disconnect();
      await bus.close();
      await redis.stop();
    }
  });

  it('fails the publish after its bounded wait when Redis stays down', async () => {
    const redis = await PrivateRedis.start();
    const bus = new RedisEventBus({ target: { url: redis.url, cluster: false }, commandTimeoutMs: 500 });
    try {
      await waitFor(() => bus.publishing, 'the publishing connection');
      await redis.stop();
      await waitFor(() => !bus.publishing, 'the publishing connection dropped');
      await expect(bus.publish('stock', 'lost')).rejects.toThrow('the Redis publishing connection did not become ready within 2000 ms');
    } finally {
      await bus.close();
      await redis.stop();
    }
  });
});
