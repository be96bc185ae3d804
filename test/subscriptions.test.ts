/**
 * Subscriptions over WebSocket on one instance (no Redis: the in-process
 * bus): who a connection is (connection_init, expiry, re-authentication),
 * what it may run (trusted documents, limits, caps), and the life of a
 * long-lived socket (Origin, dead peers, shutdown). Every refusal is a clear
 * close code or error, and the gateway keeps answering queries.
 * Cross-instance fan-out, the poller and slow clients: subscriptionFanout.test.ts.
 */
import { startDemoServices, type DemoServices } from '../src/demo';
import { developmentToken } from '../src/context/developmentToken';
import { DEFAULT_SUBSCRIPTIONS, type GatewayConfig } from '../src/config';
import { appDocument, operation } from './helpers/contract';
import { waitFor } from './helpers/redis';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';
import { liveClient, ManualTimers, RawClient, subscribe, wsUrl } from './helpers/subscriptions';

const STOCK = 'subscription Stock($ids: [ID!]!) { stockChanged(productIds: $ids) { productId availability { quantity } } }';
const ORDERS = 'subscription Orders { myOrderPlaced { id lines { quantity } } }';
const PLACE = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { __typename ... on PlaceOrderSuccess { order { id } } } }';

let demo: DemoServices;
const started: GatewayUnderTest[] = [];
beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.gateway.close()));
  await demo.close();
});

/** A gateway with these subscription settings (pings off unless asked: manual clocks jump). */
async function gateway(config: Partial<GatewayConfig> = {}, timers?: ManualTimers): Promise<GatewayUnderTest> {
  const instance = await startGateway(demo.urls, {
    config: { ...config, subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pingIntervalMs: 0, ...config.subscriptions } },
    ...(timers ? { timers } : {}),
  });
  started.push(instance);
  return instance;
}

const token = (userId: string, ttlSeconds = 3600) => developmentToken(userId, TEST_JWT_SECRET, ttlSeconds);

/** The gateway still serves: a query answers. */
async function stillServes(instance: GatewayUnderTest): Promise<void> {
  const result = await instance.graphql('web', '{ product(id: "p-0001") { id } }');
  expect(result.body).toEqual({ data: { product: { id: 'p-0001' } }, extensions: expect.anything() });
}

/** Subscribes over a raw client and returns the subscription's first error or result message. */
async function firstAnswer(client: RawClient, id: string, payload: Record<string, unknown>): Promise<Record<string, any>> {
  client.send({ id, type: 'subscribe', payload });
  return client.next((m) => m.id === id && (m.type === 'error' || m.type === 'next'), `an answer to ${id}`);
}

let shared: GatewayUnderTest;
beforeAll(async () => {
  shared = await gateway();
});

describe('connection_init', () => {
  it('with a bad token closes the socket with 4401, saying why', async () => {
    const client = await RawClient.open(wsUrl(shared.url, 'web'));
    client.send({ type: 'connection_init', payload: { authorization: 'Bearer not-a-jwt' } });
    expect(await client.closed).toEqual({ code: 4401, reason: 'The bearer token was rejected: it is not a well-formed JWT.' });
    const expired = await RawClient.open(wsUrl(shared.url, 'web'));
    expired.send({ type: 'connection_init', payload: { authorization: `Bearer ${await token('u-0001', -10)}` } });
    expect(await expired.closed).toEqual({ code: 4401, reason: 'The bearer token was rejected: it has expired.' });
    await stillServes(shared);
  });

  it('without a token is anonymous: stock streams, myOrderPlaced answers SIGN_IN_REQUIRED', async () => {
    const client = await RawClient.open(wsUrl(shared.url, 'mobile'));
    await client.init();
    const answer = await firstAnswer(client, 'orders', { query: ORDERS });
    expect(answer).toMatchObject({ type: 'next', payload: { errors: [{ extensions: { code: 'SIGN_IN_REQUIRED' } }] } });
    expect(answer.payload.errors[0].message).toContain('connection_init');
    await client.next((m) => m.id === 'orders' && m.type === 'complete', 'its completion');

    const before = shared.gateway.live.listening;
    client.send({ id: 'stock', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0004'] } } });
    await waitFor(() => shared.gateway.live.listening === before + 1, 'the stock subscription');
    await shared.graphql('web', PLACE, { input: { lines: [{ productId: 'p-0004', quantity: 1 }] } }, { authorization: `Bearer ${await token('u-0003')}` });
    const event = await client.next((m) => m.id === 'stock' && m.type === 'next', 'a stock event');
    expect(event.payload).toEqual({ data: { stockChanged: { productId: 'p-0004', availability: { quantity: demo.data.stockBySku.get(demo.data.productsById.get('p-0004')!.sku)!.available } } } });
    client.close();
  });
});

describe('a token that expires', () => {
  it('closes the socket with 4403 when it expires', async () => {
    const timers = new ManualTimers();
    const instance = await gateway({}, timers);
    const jwt = await token('u-0001', 60);
    const client = liveClient(instance.url, 'web', jwt);
    const orders = subscribe(client, ORDERS);
    await waitFor(() => instance.gateway.live.listening === 1, 'the subscription');
    // The token's `exp` is wall-clock (its signing time + 60 s), the gateway's clock the manual one: go by the token.
    const expiresAtMs = (JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8')) as { exp: number }).exp * 1000;
    await timers.advance(expiresAtMs - timers.now() - 1000);
    expect(client.closes).toEqual([]);
    await timers.advance(2000);
    await waitFor(() => client.closes.length === 1, 'the close');
    expect(client.closes[0]).toEqual({ code: 4403, reason: 'The bearer token has expired: re-authenticate (ping with a new token) before it does.' });
    expect(orders.errors).toHaveLength(1);
    await waitFor(() => instance.gateway.live.listening === 0, 'the subscription to end');
    await stillServes(instance);
  });

  it('lives on with a re-authentication (a ping carrying a new token for the same user), until the new one expires', async () => {
    const timers = new ManualTimers();
    const instance = await gateway({}, timers);
    const client = await RawClient.open(wsUrl(instance.url, 'web'));
    await client.init({ authorization: `Bearer ${await token('u-0001', 60)}` });
    client.send({ type: 'ping', payload: { authorization: `Bearer ${await token('u-0001', 600)}` } });
    const pong = await client.next((m) => m.type === 'pong', 'the pong');
    expect(Date.parse(pong.payload.expiresAt)).toBeGreaterThan(Date.now() + 500_000);
    client.send({ id: 'orders', type: 'subscribe', payload: { query: ORDERS } });
    await waitFor(() => instance.gateway.live.listening === 1, 'the subscription');

    await timers.advance(120_000); // past the first token's expiry
    await instance.graphql('web', PLACE, { input: { lines: [{ productId: 'p-0002', quantity: 1 }] } }, { authorization: `Bearer ${await token('u-0001')}` });
    expect((await client.next((m) => m.id === 'orders' && m.type === 'next', 'the order')).payload.data.myOrderPlaced.lines).toEqual([{ quantity: 1 }]);

    await timers.advance(600_000); // past the new token's expiry, however long the gateway took to start
    expect(await client.closed).toMatchObject({ code: 4403 });
  });

  it('a re-authentication for another user closes with 4403, one with a bad token with 4401', async () => {
    const other = await RawClient.open(wsUrl(shared.url, 'web'));
    await other.init({ authorization: `Bearer ${await token('u-0001')}` });
    other.send({ type: 'ping', payload: { authorization: `Bearer ${await token('u-0002')}` } });
    expect(await other.closed).toEqual({ code: 4403, reason: 'A re-authentication must be for the user the connection was opened for.' });
    const bad = await RawClient.open(wsUrl(shared.url, 'web'));
    await bad.init({ authorization: `Bearer ${await token('u-0001')}` });
    bad.send({ type: 'ping', payload: { authorization: 'Bearer forged' } });
    expect(await bad.closed).toMatchObject({ code: 4401 });
    await stillServes(shared);
  });
});

describe('what a connection may subscribe to', () => {
  it('an unknown subscription is a validation error for it alone: the connection goes on', async () => {
    const client = await RawClient.open(wsUrl(shared.url, 'web'));
    await client.init();
    const answer = await firstAnswer(client, 'unknown', { query: 'subscription { priceChanged(productIds: ["p-0001"]) { productId } }' });
    expect(answer).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    expect(answer.payload[0].message).toMatch(/^Cannot query field "priceChanged" on type "Subscription"\./);
    const next = await firstAnswer(client, 'bad-id', { query: STOCK, variables: { ids: ['p-9999999'] } });
    expect(next.payload.errors[0]).toMatchObject({ message: '`productIds` must name products of the catalog; there is no product p-9999999.', extensions: { code: 'BAD_USER_INPUT' } });
    const many = Array.from({ length: DEFAULT_SUBSCRIPTIONS.maxProducts + 1 }, (_, i) => `p-${String(i + 1).padStart(4, '0')}`);
    expect((await firstAnswer(client, 'too-many', { query: STOCK, variables: { ids: many } })).payload.errors[0].message).toBe('`productIds` must name 1 to 50 products; received 51.');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.close();
    await stillServes(shared);
  });

  it('runs subscriptions only, and a subscription over HTTP is refused', async () => {
    const client = await RawClient.open(wsUrl(shared.url, 'web'));
    await client.init();
    const answer = await firstAnswer(client, 'query', { query: '{ product(id: "p-0001") { id } }' });
    expect(answer).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'BAD_REQUEST' } }] });
    expect(answer.payload[0].message).toBe('Over WebSocket this gateway runs subscriptions only; send a query over HTTP POST to /graphql/web.');
    client.close();
    const overHttp = await shared.graphql('web', STOCK, { ids: ['p-0001'] });
    expect(overHttp.status).toBe(400);
    expect(overHttp.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('operation limits apply as over HTTP', async () => {
    const client = await RawClient.open(wsUrl(shared.url, 'web'));
    await client.init();
    let deep = 'id';
    for (let i = 0; i < 12; i++) deep = `id recommendations(first: 1) { ${deep} }`;
    const answer = await firstAnswer(client, 'deep', { query: `subscription { stockChanged(productIds: ["p-0001"]) { product { ${deep} } } }` });
    expect(answer).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'OPERATION_LIMIT_EXCEEDED', rule: 'depth', limit: 12, value: 15 } }] });
    client.close();
  });

  it('TRUSTED_DOCUMENTS=enforce runs the app documents of documents/ (as text or by id) and nothing else', async () => {
    const instance = await gateway({ trustedDocuments: { mode: 'enforce', dir: undefined } });
    const client = await RawClient.open(wsUrl(instance.url, 'web'));
    await client.init({ authorization: `Bearer ${await token('u-0005')}` });
    const untrusted = await firstAnswer(client, 'untrusted', { query: STOCK, variables: { ids: ['p-0002'] } });
    expect(untrusted).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'DOCUMENT_NOT_TRUSTED' } }] });

    const manifest = await import('../clients/web/persisted-documents.json');
    const [id] = Object.entries(manifest.default as Record<string, string>).find(([, text]) => text.includes('WebOrderPlaced')) as [string, string];
    client.send({ id: 'by-id', type: 'subscribe', payload: { query: '', documentId: `sha256:${id}` } });
    client.send({ id: 'by-text', type: 'subscribe', payload: { query: appDocument('WebProductStock').document, variables: { productIds: ['p-0002'] } } });
    await waitFor(() => instance.gateway.live.listening === 2, 'both trusted subscriptions');
    const placed = await instance.graphql('web', operation('WebPlaceOrder').document, { input: { lines: [{ productId: 'p-0002', quantity: 2 }] } }, { authorization: `Bearer ${await token('u-0005')}` });
    expect(placed.body.data?.placeOrder.__typename).toBe('PlaceOrderSuccess');
    expect((await client.next((m) => m.id === 'by-id' && m.type === 'next', 'the order')).payload.data.myOrderPlaced.lines).toEqual([{ quantity: 2, product: { id: 'p-0002', name: demo.data.productsById.get('p-0002')!.name } }]);
    expect((await client.next((m) => m.id === 'by-text' && m.type === 'next', 'the stock')).payload.data.stockChanged.productId).toBe('p-0002');
    const unknownId = await firstAnswer(client, 'unknown-id', { query: '', documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknownId).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'PERSISTED_DOCUMENT_NOT_FOUND' } }] });
    client.close();
  });

  it('caps subscriptions per connection and per instance; the others run on', async () => {
    const instance = await gateway({ subscriptions: { ...DEFAULT_SUBSCRIPTIONS, maxPerConnection: 2, maxPerInstance: 3 } });
    const first = await RawClient.open(wsUrl(instance.url, 'web'));
    await first.init();
    first.send({ id: 'a', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0002'] } } });
    first.send({ id: 'b', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0003'] } } });
    const third = await firstAnswer(first, 'c', { query: STOCK, variables: { ids: ['p-0004'] } });
    expect(third).toMatchObject({
      type: 'error',
      payload: [{ message: 'A connection may run at most 2 subscriptions at once; it runs 2: complete one first.', extensions: { code: 'RESOURCE_LIMIT_EXCEEDED', rule: 'subscriptionsPerConnection', limit: 2, value: 3 } }],
    });
    const second = await RawClient.open(wsUrl(instance.url, 'web'));
    await second.init();
    second.send({ id: 'a', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0002'] } } });
    await waitFor(() => instance.gateway.live.listening === 3, 'three subscriptions');
    const fourth = await firstAnswer(second, 'b', { query: STOCK, variables: { ids: ['p-0003'] } });
    expect(fourth).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'RESOURCE_LIMIT_EXCEEDED', rule: 'subscriptionsPerInstance', limit: 3, value: 4 } }] });
    expect(instance.gateway.live.stats().subscriptions).toEqual({ stockChanged: 3, myOrderPlaced: 0 });

    await instance.graphql('web', PLACE, { input: { lines: [{ productId: 'p-0002', quantity: 1 }] } }, { authorization: `Bearer ${await token('u-0004')}` });
    await first.next((m) => m.id === 'a' && m.type === 'next', 'an event on the first connection');
    await second.next((m) => m.id === 'a' && m.type === 'next', 'an event on the second');
    first.send({ id: 'a', type: 'complete' });
    await waitFor(() => instance.gateway.live.stats().subscriptions.stockChanged === 2, 'a slot to free');
    second.send({ id: 'b2', type: 'subscribe', payload: { query: STOCK, variables: { ids: ['p-0003'] } } });
    await waitFor(() => instance.gateway.live.listening === 3, 'the freed slot taken');
    first.close();
    second.close();
    await stillServes(instance);
  });
});

describe('long-lived sockets', () => {
  it("accept an Origin of the frontend's CORS list or the gateway's own, and refuse any other with 403", async () => {
    const instance = await gateway({ http: { ...shared.gateway.config.http, corsOrigins: { web: ['https://shop.example.com'], mobile: [] } } });
    const url = wsUrl(instance.url, 'web');
    (await RawClient.open(url, { headers: { origin: 'https://shop.example.com' } })).close();
    (await RawClient.open(url, { headers: { origin: instance.url } })).close();
    (await RawClient.open(url)).close();
    const refused = await RawClient.refusal(url, { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).errors[0].message).toBe(
      'WebSocket connections to /graphql/web are accepted only from this gateway\'s own pages and the origins configured for the web frontend; received origin "https://evil.example".',
    );
    expect((await RawClient.refusal(wsUrl(instance.url, 'mobile'), { origin: 'https://shop.example.com' })).status).toBe(403);
    expect((await RawClient.refusal(`${instance.url.replace('http', 'ws')}/elsewhere`)).status).toBe(404);
    await stillServes(instance);
  });

  it('drop a peer that stops answering pings, and keep one that answers', async () => {
    const timers = new ManualTimers();
    const instance = await gateway({ subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pingIntervalMs: 15_000 } }, timers);
    const dead = await RawClient.open(wsUrl(instance.url, 'web'), { autoPong: false });
    const alive = await RawClient.open(wsUrl(instance.url, 'web'));
    await Promise.all([dead.init(), alive.init()]);
    let pinged = 0;
    alive.socket.on('ping', () => pinged++);
    await timers.advance(15_000);
    await waitFor(() => pinged === 1, 'the ping');
    // A protocol round trip after it: the pong frame reached the server before this message did.
    alive.send({ type: 'ping' });
    await alive.next((m) => m.type === 'pong', 'a pong');
    await timers.advance(15_000);
    expect((await dead.closed).code).toBe(1006);
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    await waitFor(() => instance.gateway.live.stats().sockets.web === 1, 'the dead socket to be gone');
    alive.close();
  });

  it('a graceful shutdown refuses new sockets while it drains, then closes every open one with 1001', async () => {
    const instance = await gateway({ shutdown: { delayMs: 60_000, timeoutMs: 1000 } });
    const client = liveClient(instance.url, 'web', await token('u-0001'));
    subscribe(client, ORDERS);
    await waitFor(() => instance.gateway.live.listening === 1, 'the subscription');
    void instance.gateway.shutdown(); // its delay is cut short by close() below
    const refused = await RawClient.refusal(wsUrl(instance.url, 'web'));
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('OVERLOADED');
    expect(client.closes).toEqual([]);
    await instance.gateway.close();

    const quick = await gateway({ shutdown: { delayMs: 0, timeoutMs: 1000 } });
    const clients = await Promise.all(['web', 'mobile', 'web'].map((f) => RawClient.open(wsUrl(quick.url, f as 'web' | 'mobile'))));
    await Promise.all(clients.map((c) => c.init()));
    await quick.gateway.shutdown();
    for (const c of clients) expect(await c.closed).toEqual({ code: 1001, reason: 'This gateway instance is shutting down: reconnect (to another instance).' });
  });
});
