/**
 * The clients' budgets over real HTTP: shared by gateway instances through
 * real Redis, a single one (a key prefix per test) and a Redis Cluster of
 * this file's own (test/helpers/redisKinds.ts), held per instance while a
 * private redis-server is stopped, charged once per request whether or not it ran,
 * keyed by user or by the address TRUST_PROXY says to believe; and the
 * persisted-query registrations they guard. Time moves only through the
 * gateways' injected clock, frozen until a test advances it.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { DEFAULT_CACHE, DEFAULT_RATE_LIMITS, type RateLimitOptions } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { startDemoServices, type DemoServices } from '../src/demo';
import type { Budget } from '../src/rateLimit/gcra';
import { MemoryLimiter } from '../src/rateLimit/memoryLimiter';
import { RedisLimiter } from '../src/rateLimit/redisLimiter';
import { deleteUnder, PrivateRedis, SHARED_REDIS_URL, testPrefix, waitFor } from './helpers/redis';
import { redisKinds, useKind, type RedisKind } from './helpers/redisKinds';
import { operation } from './helpers/contract';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';

let demo: DemoServices;
const prefixes: string[] = [];
const instances: GatewayUnderTest[] = [];

beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.gateway.close()));
  await demo.close();
  for (const prefix of prefixes) await deleteUnder(SHARED_REDIS_URL, prefix);
});

const QUERY = '{ __typename }';

function frozenClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

interface InstanceOptions {
  rateLimits: Partial<RateLimitOptions>;
  /** Budgets in Redis under this prefix (a fleet shares one); none: in process only. */
  prefix?: string;
  /** Which Redis: default the machine's single one. */
  kind?: RedisKind;
  /** A private redis-server instead. */
  redisUrl?: string;
  trustProxyHops?: number;
  now?: () => number;
}

/**
 * A gateway instance. Its Redis commands may take a second: a 50 ms timeout
 * would let a CPU-starved test worker fall back to the in-process limiter
 * and split a shared budget. Falling back is tested by stopping Redis.
 */
async function instance(options: InstanceOptions): Promise<GatewayUnderTest> {
  const redis = !options.prefix ? { redisUrl: null } : options.redisUrl ? { redisUrl: options.redisUrl } : (options.kind?.cache() ?? { redisUrl: SHARED_REDIS_URL });
  if (options.prefix && redis.redisUrl === SHARED_REDIS_URL && !prefixes.includes(options.prefix)) prefixes.push(options.prefix);
  const gateway = await startGateway(demo.urls, {
    config: {
      cache: { ...DEFAULT_CACHE, ...redis, prefix: options.prefix ?? DEFAULT_CACHE.prefix, redisCommandTimeoutMs: 1000 },
      rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      trustProxyHops: options.trustProxyHops ?? 0,
    },
    ...(options.now ? { now: options.now } : {}),
  });
  instances.push(gateway);
  if (redis.redisUrl) await waitFor(() => gateway.gateway.rateLimiter.shared, 'the limiter to reach Redis');
  return gateway;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

/** POSTs a body (an object as JSON, a string as is) to /graphql/<frontend>; waits for the charges it caused. */
async function post(gateway: GatewayUnderTest, body: object | string, headers: Record<string, string> = {}, frontend = 'web'): Promise<Reply> {
  const res = await request(`${gateway.url}/graphql/${frontend}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  await gateway.gateway.settled();
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) };
}

/** Waits until the gateway's cache is connected to Redis (its /readyz says so). */
const cacheOnRedis = (gateway: GatewayUnderTest) =>
  waitFor(async () => ((await (await request(`${gateway.url}/readyz`)).body.json()) as { redis: string }).redis === 'up', 'the cache to reach Redis');

const query = (gateway: GatewayUnderTest, headers: Record<string, string> = {}, frontend = 'web') => post(gateway, { query: QUERY }, headers, frontend);
const bearer = async (userId: string) => ({ authorization: `Bearer ${await developmentToken(userId, TEST_JWT_SECRET)}` });

describe.each(redisKinds())('on %s', (_name, kind) => {
  useKind(kind, instances);

  describe('a budget shared by the fleet', () => {
    it('RATE_LIMIT_PER_MINUTE=5: 3 requests through A and 2 through B pass, the 6th is 429 through either; the clock refills one per 12 s', async () => {
      const clock = frozenClock();
      const prefix = testPrefix('rate-shared');
      const a = await instance({ kind, prefix, rateLimits: { requestsPerMinute: 5 }, now: clock.now });
      const b = await instance({ kind, prefix, rateLimits: { requestsPerMinute: 5 }, now: clock.now });

      const first = await query(a);
      expect(first.status).toBe(200);
      expect(first.headers['ratelimit-policy']).toBe('"requests";q=5;w=60');
      expect(first.headers['ratelimit']).toBe('"requests";r=4;t=12');
      for (const gateway of [a, a, b]) expect((await query(gateway)).status).toBe(200);
      expect((await query(b, {}, 'mobile')).headers['ratelimit']).toBe('"requests";r=0;t=60');

      const refused = await query(b, {}, 'mobile');
      expect(refused.status).toBe(429);
      expect(refused.headers).toMatchObject({ 'retry-after': '12', 'ratelimit-policy': '"requests";q=5;w=60', ratelimit: '"requests";r=0;t=12' });
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]).toMatchObject({
        message: 'This client may send 5 requests per minute; it has sent 6. Retry in 12 s.',
        extensions: { code: 'RATE_LIMITED', budget: 'requests', limit: 5, value: 6, retryAfterSeconds: 12 },
      });
      expect((await query(a)).status).toBe(429);

      clock.advance(11_999);
      expect((await query(a)).headers['retry-after']).toBe('1');
      clock.advance(1);
      expect((await query(a)).status).toBe(200);
      expect((await query(b)).status).toBe(429);

      // Other clients have budgets of their own: a signed-in user, another one.
      for (const user of ['u-0001', 'u-0002']) {
        const signedIn = await query(b, await bearer(user));
        expect(signedIn.status).toBe(200);
        expect(signedIn.headers['ratelimit']).toBe('"requests";r=4;t=12');
      }
    });

    it('the Redis script and the in-process limiter decide alike, step for step', async () => {
      const prefix = testPrefix('rate-parity');
      kind.use(prefix);
      let now = 1_750_000_000_000;
      const budgets: Budget[] = [
        { name: 'requests', limit: 7, periodMs: 60_000 },
        { name: 'cost', limit: 500, periodMs: 60_000 },
        { name: 'registrations', limit: 3, periodMs: 60_000, chargedOnly: true },
      ];
      const memory = new MemoryLimiter({ budgets, now: () => now });
      const redis = new RedisLimiter({ target: kind.target, prefix, commandTimeoutMs: 1000, budgets });
      try {
        await waitFor(() => redis.ready, 'the limiter to reach Redis');
        for (let i = 0; i < 200; i++) {
          const charge = { requests: 1, cost: (i * 37) % 90, registrations: i % 5 === 0 ? 1 : 0 };
          const client = `ip:192.0.2.${i % 3}`;
          const fromRedis = await redis.consume(client, charge, now);
          expect({ ...fromRedis, store: 'memory' }).toEqual(memory.consume(client, charge));
          now += (i * 7919) % 4000;
        }
      } finally {
        redis.close();
      }
    });
  });

  describe('what a request costs', () => {
    it('COST_LIMIT_PER_MINUTE: operations that cost nothing (no estimate yet) never exhaust it', async () => {
      const gateway = await instance({ kind, prefix: testPrefix('rate-cost'), rateLimits: { requestsPerMinute: 100, costPerMinute: 10 }, now: frozenClock().now });
      for (let i = 0; i < 20; i++) {
        const reply = await query(gateway);
        expect(reply.status).toBe(200);
        expect(reply.headers['ratelimit-policy']).toBe('"requests";q=100;w=60, "cost";q=10;w=60');
        expect(reply.headers['ratelimit']).toBe(`"requests";r=${99 - i};t=${Math.ceil(0.6 * (i + 1))}, "cost";r=10;t=0`);
      }
      // A GET response may be cached by a CDN and shown to others: charged, but without the headers.
      const get = await request(`${gateway.url}/graphql/web?query=${encodeURIComponent(QUERY)}`, { headers: { 'apollo-require-preflight': 'true' } });
      await get.body.dump();
      expect(get.statusCode).toBe(200);
      expect(get.headers['ratelimit']).toBeUndefined();
      expect((await query(gateway)).headers['ratelimit']).toBe('"requests";r=78;t=14, "cost";r=10;t=0');
    });

    it('COST_LIMIT_PER_MINUTE charges each operation its estimated cost: WebProductPage (114) three times in 400, not four', async () => {
      const gateway = await instance({ kind, prefix: testPrefix('rate-cost-real'), rateLimits: { costPerMinute: 400 }, now: frozenClock().now });
      const page = operation('WebProductPage');
      for (let i = 1; i <= 3; i++) {
        const reply = await post(gateway, { query: page.document, variables: page.variables });
        expect(reply.status).toBe(200);
        expect(reply.headers['ratelimit']).toMatch(new RegExp(`^"cost";r=${400 - 114 * i};`));
      }
      const refused = await post(gateway, { query: page.document, variables: page.variables });
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'cost', limit: 400, value: 456 });
      // An operation the limits refuse costs nothing: the budget is as it was.
      let deep = 'id';
      for (let i = 0; i < 7; i++) deep = `id recommendations(first: 8) { ${deep} }`;
      expect((await post(gateway, { query: `{ product(id: "p-0001") { ${deep} } }` })).body.errors?.[0]?.extensions?.rule).toBe('cost');
      await gateway.gateway.settled();
      expect((await post(gateway, { query: QUERY })).headers['ratelimit']).toMatch(/^"cost";r=58;/);
    });

    it('a request refused before execution (invalid document, malformed JSON, wrong method) counts as one request and costs nothing', async () => {
      const gateway = await instance({ kind, prefix: testPrefix('rate-refused'), rateLimits: { requestsPerMinute: 4, costPerMinute: 100 }, now: frozenClock().now });
      expect((await post(gateway, { query: '{ noSuchField }' })).status).toBe(400);
      expect((await post(gateway, '{"query": ')).status).toBe(400);
      const put = await request(`${gateway.url}/graphql/web`, { method: 'PUT', body: '{}' });
      await put.body.dump();
      expect(put.statusCode).toBe(405);
      await gateway.gateway.settled();

      const last = await query(gateway);
      expect(last.status).toBe(200);
      expect(last.headers['ratelimit']).toBe('"requests";r=0;t=60, "cost";r=100;t=0');
      const refused = await query(gateway);
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.message).toBe('This client may send 4 requests per minute; it has sent 5. Retry in 15 s.');
    });

    it('health, readiness, metrics, the playground and its assets are never charged', async () => {
      const gateway = await instance({ rateLimits: { requestsPerMinute: 1 }, now: frozenClock().now });
      for (const path of ['/healthz', '/readyz', '/metrics', '/playground/assets/favicon.svg', '/graphql/web', '/graphql/mobile']) {
        const res = await request(`${gateway.url}${path}`, { headers: { accept: 'text/html' } });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
      await gateway.gateway.settled();
      expect((await query(gateway)).status).toBe(200);
      expect((await query(gateway)).status).toBe(429);
    });
  });

  describe('persisted-query registrations', () => {
    const register = (gateway: GatewayUnderTest, text: string) =>
      post(gateway, { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } });
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const stored = async (prefix: string, text: string) => (await kind.keysUnder(prefix)).some((key) => key.endsWith(sha256(text)));
    /** Registers a valid query and waits until Redis has it: any earlier registration's write would have landed before it. */
    async function registerMarker(gateway: GatewayUnderTest, prefix: string) {
      const marker = `query Marker${Math.random().toString(36).slice(2)} { __typename }`;
      expect((await register(gateway, marker)).status).toBe(200);
      await waitFor(() => stored(prefix, marker), 'the marker registration to reach Redis');
    }
    async function onRedis(prefix: string, rateLimits: Partial<RateLimitOptions>) {
      const gateway = await instance({ kind, prefix, rateLimits, now: frozenClock().now });
      await cacheOnRedis(gateway);
      return gateway;
    }

    it('a registration over APQ_MAX_BYTES is refused (400) and nothing is stored', async () => {
      const prefix = testPrefix('apq-size');
      const gateway = await onRedis(prefix, { apqMaxBytes: 200 });
      // Within every operation limit (one root field, no aliases), only long.
      const big = `query Big { product(id: "p-0001") { ${'__typename '.repeat(40)} } }`;
      const refused = await register(gateway, big);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]).toMatchObject({
        message: `A persisted query may be registered with at most 200 bytes of query text; this one has ${Buffer.byteLength(big)}. Send it without extensions.persistedQuery.`,
        extensions: { code: 'BAD_REQUEST', limit: 200, value: Buffer.byteLength(big) },
      });
      await registerMarker(gateway, prefix);
      expect(await stored(prefix, big)).toBe(false);
      const lookup = await post(gateway, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(big) } } });
      expect(lookup.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await post(gateway, { query: big })).status).toBe(200); // the same text, not registered, runs
    });

    it('a registration whose document fails validation stores nothing', async () => {
      const prefix = testPrefix('apq-invalid');
      const gateway = await onRedis(prefix, {});
      const invalid = 'query Invalid { noSuchField }';
      expect((await register(gateway, invalid)).status).toBe(400);
      await registerMarker(gateway, prefix);
      expect(await stored(prefix, invalid)).toBe(false);
    });

    it('past APQ_REGISTRATIONS_PER_MINUTE further registrations are 429 (nothing stored) while other requests pass', async () => {
      const prefix = testPrefix('apq-budget');
      const gateway = await onRedis(prefix, { apqRegistrationsPerMinute: 3 });
      const texts = Array.from({ length: 4 }, (_, i) => `query Q${i} { __typename }`);
      for (const text of texts.slice(0, 3)) expect((await register(gateway, text)).status).toBe(200);
      const refused = await register(gateway, texts[3] as string);
      expect(refused.status).toBe(429);
      expect(refused.headers).toMatchObject({ 'retry-after': '20', 'ratelimit-policy': '"registrations";q=3;w=60', ratelimit: '"registrations";r=0;t=20' });
      expect(refused.body.errors?.[0]).toMatchObject({
        message: 'This client may register 3 persisted queries per minute; it has registered 4. Retry in 20 s.',
        extensions: { code: 'RATE_LIMITED', budget: 'registrations', limit: 3, value: 4, retryAfterSeconds: 20 },
      });
      expect((await query(gateway)).status).toBe(200);
      const byHash = await post(gateway, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(texts[0] as string) } } });
      expect(byHash.body.data).toEqual({ __typename: 'Query' });
      await waitFor(() => stored(prefix, texts[2] as string), 'the last admitted registration to reach Redis');
      expect(await stored(prefix, texts[3] as string)).toBe(false);
    });
  });
});

describe('with Redis stopped', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    // Close the gateways on this Redis while it runs: a client left reconnecting to a dead server lingers.
    const mine = instances.filter((i) => i.gateway.config.cache.redisUrl === redis.url);
    for (const gateway of mine) instances.splice(instances.indexOf(gateway), 1);
    await Promise.all(mine.map((i) => i.gateway.close()));
    await redis.stop();
  });

  it('each instance holds the budget in process, and the fleet shares it again once Redis is back', async () => {
    const clock = frozenClock();
    const options = { prefix: testPrefix('rate-down'), redisUrl: redis.url, rateLimits: { requestsPerMinute: 3 }, now: clock.now };
    const [a, b] = [await instance(options), await instance(options)];

    await redis.stop();
    await waitFor(() => !a.gateway.rateLimiter.shared && !b.gateway.rateLimiter.shared, 'the limiters to see Redis down');
    for (const gateway of [a, b]) {
      for (let i = 0; i < 3; i++) expect((await query(gateway)).status).toBe(200);
      const refused = await query(gateway);
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    }

    await redis.start();
    await waitFor(() => a.gateway.rateLimiter.shared && b.gateway.rateLimiter.shared, 'the limiters to reach Redis again');
    // The caches too, so the gateways close connected clients rather than ones still reconnecting.
    await Promise.all([cacheOnRedis(a), cacheOnRedis(b)]);
    // The restarted Redis is empty: the fleet's budget is whole, and shared (both in-process budgets are spent).
    for (const gateway of [a, b, a]) expect((await query(gateway)).status).toBe(200);
    expect((await query(b)).status).toBe(429);
  });
});

describe('who the client is', () => {
  it('TRUST_PROXY off: X-Forwarded-For is ignored, every request from 127.0.0.1 shares one budget', async () => {
    const gateway = await instance({ rateLimits: { requestsPerMinute: 2 }, now: frozenClock().now });
    expect((await query(gateway, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
    expect((await query(gateway, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    expect((await query(gateway, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    expect((await query(gateway)).status).toBe(429);
  });

  it('TRUST_PROXY=1: the rightmost entry is the client; a spoofed leftmost entry does not change it', async () => {
    const gateway = await instance({ rateLimits: { requestsPerMinute: 2 }, trustProxyHops: 1, now: frozenClock().now });
    expect((await query(gateway, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
    expect((await query(gateway, { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' })).status).toBe(200);
    expect((await query(gateway, { 'x-forwarded-for': '7.7.7.7, 203.0.113.7' })).status).toBe(429);
    expect((await query(gateway, { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' })).status).toBe(200);
    expect((await query(gateway)).status).toBe(200); // no header: the socket's address, 127.0.0.1
  });
});

