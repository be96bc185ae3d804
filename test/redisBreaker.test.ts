/**
 * Redis's breaker against a real frozen Redis (a private redis-server under
 * SIGSTOP: its connections stay open, its commands hang). The first round
 * trips pay the command timeout; once REDIS_BREAKER_THRESHOLD of them have,
 * the cache and the rate limiter skip Redis as if it were down, and the
 * invalidation feed is no longer trusted. After a thaw and a cooldown on the
 * gateways' injected clock, one trial answers and Redis is used again.
 *
 * Nothing here measures wall-clock time: what a frozen Redis costs is counted
 * in round trips, by the requests (`extensions.cache`) and by Redis itself
 * (INFO commandstats, read after the thaw: a command sent to a frozen server
 * waits in its socket and runs when it wakes, so Redis counts every one).
 * The command timeout is 500 ms rather than 50: a freeze times out whatever
 * the timeout, and the trial after the thaw must not time out because the
 * other jest worker took the CPU for a moment.
 */
import Redis from 'ioredis';
import { request } from 'undici';
import type { RedisTier } from '../src/cache/redisTier';
import { DEFAULT_CACHE, DEFAULT_HTTP, DEFAULT_RATE_LIMITS, DEFAULT_SHEDDING, DEFAULT_SUBSCRIPTIONS, type GatewayConfig } from '../src/config';
import { startDemoServices, type DemoServices } from '../src/demo';
import { operation } from './helpers/contract';
import { PrivateRedis, testPrefix, waitFor } from './helpers/redis';
import { startGateway, type GatewayUnderTest } from './helpers/stack';

const COMMAND_TIMEOUT_MS = 500;
const { redisBreakerThreshold: THRESHOLD, redisBreakerCooldownMs: COOLDOWN_MS } = DEFAULT_CACHE;

let demo: DemoServices;
let redis: PrivateRedis;
const instances: GatewayUnderTest[] = [];

beforeAll(async () => {
  [demo, redis] = await Promise.all([startDemoServices(), PrivateRedis.start()]);
});
afterEach(() => redis.thaw());
afterAll(async () => {
  // Close the gateways while their Redis runs: a client left reconnecting to a dead server lingers.
  await Promise.all(instances.map((i) => i.gateway.close()));
  await Promise.all([demo.close(), redis.stop()]);
});

/** A clock that stands still until told: the cooldown ends only when the test says so. */
function stillClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

interface InstanceOptions {
  cache?: Partial<GatewayConfig['cache']>;
  rateLimits?: Partial<GatewayConfig['rateLimits']>;
}

/**
 * A gateway on the private Redis under `prefix` (a fleet shares one), on the
 * test's clock. Not shed on event-loop delay: on a machine whose CPU other
 * suites share, a shed request would never reach Redis, and this file counts
 * what reaches it.
 */
async function instance(prefix: string, now: () => number, options: InstanceOptions = {}): Promise<GatewayUnderTest> {
  const gateway = await startGateway(demo.urls, {
    config: {
      cache: { ...DEFAULT_CACHE, redisUrl: redis.url, prefix, responseCache: false, redisCommandTimeoutMs: COMMAND_TIMEOUT_MS, ...options.cache },
      rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      http: { ...DEFAULT_HTTP, shedding: { ...DEFAULT_SHEDDING, maxEventLoopDelayMs: 0 } },
      // The stock poller's lock is a script too (EVALSHA): no run of it may land among the calls counted here.
      subscriptions: { ...DEFAULT_SUBSCRIPTIONS, pollIntervalMs: 3_600_000 },
    },
    now,
  });
  instances.push(gateway);
  await waitFor(async () => (await readiness(gateway)).redis === 'up', 'Redis to be connected');
  return gateway;
}

const tier = (gateway: GatewayUnderTest) => gateway.gateway.cache.l2 as RedisTier;

async function readiness(gateway: GatewayUnderTest): Promise<{ status: string; redis: string }> {
  const res = await request(`${gateway.url}/readyz`);
  return (await res.body.json()) as { status: string; redis: string };
}

/** Runs a contract operation and waits for its L2 writes: requests go one after another. */
async function run(gateway: GatewayUnderTest, name: string) {
  const op = operation(name);
  demo.resetRequests();
  const result = await gateway.graphql(op.frontend, op.document, op.variables);
  await gateway.gateway.settled();
  return { ...result, calls: demo.requests().length, cache: result.body.extensions?.cache as { l2Hits: number; redisReads: number; redisWrites: number; redisErrors: number } };
}

/** Calls per command Redis has run since its stats were last reset (INFO commandstats). */
async function commandCalls(): Promise<Record<string, number>> {
  const client = new Redis(redis.url);
  try {
    const info = await client.info('commandstats');
    return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, calls]) => [name as string, Number(calls)]));
  } finally {
    client.disconnect();
  }
}

async function resetStats(): Promise<void> {
  const client = new Redis(redis.url);
  await client.config('RESETSTAT');
  client.disconnect();
}

describe('the cache on a frozen Redis', () => {
  it(`pays the timeout ${THRESHOLD} times, then makes no round trip until the cooldown is over and a trial answers`, async () => {
    const clock = stillClock();
    const prefix = testPrefix('breaker');
    const a = await instance(prefix, clock.now);
    expect(tier(a).breakerState()).toMatchObject({ phase: 'closed', consecutiveFailures: 0 });

    redis.freeze();
    // Before: every round trip times out (the reads, counted by the requests, and the writes after them).
    const before: Awaited<ReturnType<typeof run>>[] = [];
    while (!tier(a).breakerOpen && before.length < 10) {
      const result = await run(a, 'WebCategoryListing');
      expect(result.status).toBe(200);
      before.push(result);
    }
    expect(tier(a).breakerState()).toMatchObject({ phase: 'open', openSince: clock.now(), consecutiveFailures: THRESHOLD });
    for (const result of before) {
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.cache.redisErrors).toBe(result.cache.redisReads);
    }
    const roundTripsBefore = before.reduce((sum, r) => sum + r.cache.redisReads + r.cache.redisWrites, 0);
    expect(roundTripsBefore).toBe(THRESHOLD);

    // After: Redis is skipped as if it were down. No read, no write, no error; L1 and the services answer.
    const after = [];
    for (const name of ['WebProductPage', 'MobileSearch', 'MobileProduct', 'WebCategoryListing']) after.push(await run(a, name));
    for (const result of after) {
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.cache).toMatchObject({ redisReads: 0, redisWrites: 0, redisErrors: 0 });
    }
    expect(after[0]!.calls).toBeGreaterThan(0); // cold in L1: from the services
    expect(after[3]!.calls).toBe(0); // warm in L1 since the first request
    // /readyz answers at once (no ping is sent to the frozen server): degraded.
    expect(await readiness(a)).toMatchObject({ status: 'degraded', redis: 'breaker open' });
    // Pub/sub is frozen too: no stored response is vouched for, however recent.
    expect(a.gateway.cache.log.mayBeInvalidatedSince('product:p-0001', clock.now() + 3_600_000)).toBe(true);
    expect(tier(a).breakerState().consecutiveFailures).toBe(THRESHOLD);

    // Thawed, but the cooldown (on the injected clock) is not over: still skipped.
    redis.thaw();
    expect((await run(a, 'WebProductPage')).cache.redisReads).toBe(0);
    clock.advance(COOLDOWN_MS - 1);
    expect((await run(a, 'WebProductPage')).cache.redisReads).toBe(0);

    // The cooldown is over: one trial goes, Redis answers, the breaker closes and L1 is dropped (as after a reconnection).
    clock.advance(1);
    expect(tier(a).breakerState().phase).toBe('half-open');
    const trial = await run(a, 'WebProductPage');
    expect(trial.cache.redisReads).toBeGreaterThan(0);
    expect(trial.cache.redisErrors).toBe(0);
    expect(tier(a).breakerState()).toEqual({ phase: 'closed', openSince: null, consecutiveFailures: 0, trialInFlight: false });
    expect(a.gateway.cache.log.mayBeInvalidatedSince('product:p-0001', clock.now() + 3_600_000)).toBe(false);
    expect(await readiness(a)).toMatchObject({ status: 'ready', redis: 'up' });
    const listing = await run(a, 'WebCategoryListing');
    expect(listing.cache.redisReads).toBeGreaterThan(0);

    // And L2 is shared again: another instance is answered from it.
    const b = await instance(prefix, clock.now);
    const fromL2 = await run(b, 'WebCategoryListing');
    expect(fromL2.calls).toBe(0);
    expect(fromL2.cache.l2Hits).toBeGreaterThan(0);
  });

  it('REDIS_BREAKER_THRESHOLD=0 turns the breaker off: every request pays the timeout again', async () => {
    const clock = stillClock();
    const a = await instance(testPrefix('breaker-off'), clock.now, { cache: { redisBreakerThreshold: 0 } });
    redis.freeze();
    for (const name of ['WebProductPage', 'MobileSearch']) {
      const result = await run(a, name);
      expect(result.status).toBe(200);
      expect(result.cache.redisReads).toBeGreaterThan(0);
      expect(result.cache.redisErrors).toBe(result.cache.redisReads);
    }
    expect(tier(a).breakerOpen).toBe(false);
    expect(tier(a).breakerState().consecutiveFailures).toBeGreaterThan(THRESHOLD);
  });
});

describe('the rate limiter on a frozen Redis', () => {
  it('shares the breaker: after the threshold, budgets are held in process without a script call, until a trial answers', async () => {
    const clock = stillClock();
    const l = await instance(testPrefix('breaker-rate'), clock.now, { rateLimits: { requestsPerMinute: 1000 } });
    const query = async () => {
      const res = await request(`${l.url}/graphql/web`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      await res.body.text();
      await l.gateway.settled();
      return res.statusCode;
    };
    // Loads the script while Redis answers, so every call below is one EVALSHA.
    expect(await query()).toBe(200);
    expect(l.gateway.rateLimiter.shared).toBe(true);
    await resetStats();

    redis.freeze();
    const REQUESTS = 12;
    for (let i = 0; i < REQUESTS; i++) expect(await query()).toBe(200);
    expect(l.gateway.rateLimiter.shared).toBe(false);
    // One breaker for the server: the limiter's timeouts opened the cache's side too.
    expect(tier(l).breakerState()).toMatchObject({ phase: 'open', consecutiveFailures: THRESHOLD });

    redis.thaw();
    clock.advance(COOLDOWN_MS);
    expect(await query()).toBe(200); // the trial: answered after what the frozen server had queued
    expect(l.gateway.rateLimiter.shared).toBe(true);
    expect(tier(l).breakerOpen).toBe(false);
    // Redis ran the THRESHOLD calls that timed out, then the trial: none of the other frozen requests reached it.
    expect((await commandCalls()).evalsha).toBe(THRESHOLD + 1);
  });
});
