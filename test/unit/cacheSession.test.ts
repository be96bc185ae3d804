/**
 * One request's read path through the entity cache (cache/cacheSession.ts,
 * cache/entityCache.ts), over an in-memory L2 (helpers/memoryL2.ts) that
 * counts its round trips, with the request's real BatchScheduler deciding when
 * held reads go. Fetches are the test's own functions; time moves through the
 * caches' injected clock, never by sleeping.
 */
import { CacheSession } from '../../src/cache/cacheSession';
import { EntityCache } from '../../src/cache/entityCache';
import type { Family } from '../../src/cache/entityPolicies';
import type { Fetch, FetchResult } from '../../src/cache/fetch';
import { localKey, type CacheAddress } from '../../src/cache/keys';
import { BatchScheduler } from '../../src/domain/batchScheduler';
import type { CallTrace } from '../../src/downstream/call';
import { DownstreamError } from '../../src/errors/catalogue';
import { createLogger } from '../../src/logging/logger';
import { MemoryL2Bus, type MemoryL2 } from '../helpers/memoryL2';

const T0 = 1_800_000_000_000;

interface Instance {
  cache: EntityCache;
  l2: MemoryL2;
}

let clock: number;
let bus: MemoryL2Bus;

beforeEach(() => {
  clock = T0;
  bus = new MemoryL2Bus();
});

function instance(): Instance {
  const l2 = bus.instance();
  return { cache: new EntityCache({ l1MaxBytes: 1024 * 1024, l2, logger: createLogger('silent'), now: () => clock }), l2 };
}

function session(cache: EntityCache): { session: CacheSession; trace: CallTrace } {
  const trace: CallTrace = { downstreamCalls: 0 };
  return { session: new CacheSession(cache, trace, new BatchScheduler()), trace };
}

const at = (family: Family, owner: string): CacheAddress => ({ family, owner });

/** A service answering `values` (by owner), counting what it was asked for. */
function service<V>(values: Record<string, V>, maxAgeSeconds: number | null = null) {
  const asked: string[][] = [];
  const fetch: Fetch<V> = async (missing) => {
    asked.push(missing.map((a) => a.owner));
    const found = new Map<string, V | null>();
    for (const a of missing) if (a.owner in values) found.set(localKey(a), values[a.owner] as V);
    return { values: found, maxAgeSeconds };
  };
  return { fetch, asked };
}

/** A fetch that answers when the test says so. */
function deferredFetch<V>() {
  let answer!: (result: FetchResult<V>) => void;
  let fail!: (error: Error) => void;
  let started = false;
  const fetch: Fetch<V> = () => {
    started = true;
    return new Promise((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
  };
  return {
    fetch,
    get started() {
      return started;
    },
    answer: (family: Family, values: Record<string, V>) =>
      answer({ values: new Map(Object.entries(values).map(([owner, v]) => [localKey(at(family, owner)), v])), maxAgeSeconds: null }),
    fail: (error: Error) => fail(error),
  };
}

/** Lets every pending I/O callback and promise job run (the scheduler flushes on setImmediate). */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('L1', () => {
  it('a fresh entry answers synchronously through peek, with no L2 read and no fetch', async () => {
    const { cache, l2 } = instance();
    const stock = service({ 'SKU-1': { sku: 'SKU-1', available: 3 } });
    await session(cache).session.readThrough('stock', [at('stock', 'SKU-1')], stock.fetch);

    const { session: warm } = session(cache);
    expect(warm.peek('stock', 'stock:SKU-1', 'stock:SKU-1')).toEqual({ sku: 'SKU-1', available: 3 });
    expect(await warm.readThrough('stock', [at('stock', 'SKU-1')], stock.fetch)).toEqual([{ sku: 'SKU-1', available: 3 }]);
    expect(stock.asked).toHaveLength(1);
    expect(l2.calls.read).toBe(1); // the cold read only
    expect(warm.stats).toMatchObject({ l1Hits: 2, l2Hits: 0, misses: 0, redisReads: 0 });
  });

  it('past freshness, peek misses', async () => {
    const { cache } = instance();
    await session(cache).session.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 1 }).fetch);
    clock += 5_000; // stock is fresh for 5 s
    expect(typeof session(cache).session.peek('stock', 'stock:SKU-1', 'stock:SKU-1')).toBe('symbol');
  });
});

describe('L2 reads of a dependency level', () => {
  it('the misses of every batch of one tick go in one read', async () => {
    const { cache, l2 } = instance();
    const { session: s } = session(cache);
    await Promise.all([
      s.readThrough('product', [at('product', 'p-1'), at('product', 'p-2')], service({ 'p-1': 'one', 'p-2': 'two' }).fetch),
      s.readThrough('rating', [at('rating', 'p-1')], service({ 'p-1': 4.5 }).fetch),
      s.readThrough('categories', [at('categories', 'all')], service({ all: ['c'] }).fetch),
    ]);
    expect(l2.calls.read).toBe(1);
    expect(s.stats).toMatchObject({ redisReads: 1, misses: 4 });
  });

  it('the next level waits while a fetch of this level is out, then goes in one read', async () => {
    const { cache, l2 } = instance();
    const { session: s } = session(cache);
    const products = deferredFetch<string>();
    const reviews = deferredFetch<string>();
    const level1 = [s.readThrough('product', [at('product', 'p-1')], products.fetch), s.readThrough('reviews', [at('reviews', 'p-1')], reviews.fetch)];
    await settle();
    expect(l2.calls.read).toBe(1);
    expect(products.started && reviews.started).toBe(true);

    // The product answers first: its stock is looked up, but reviews are still out.
    products.answer('product', { 'p-1': 'lamp' });
    expect(await level1[0]).toEqual(['lamp']);
    const stock = s.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 2 }).fetch);
    await settle();
    expect(l2.calls.read).toBe(1);

    // Reviews answer: their authors join the stock's lookup.
    reviews.answer('reviews', { 'p-1': 'page' });
    expect(await level1[1]).toEqual(['page']);
    const authors = s.readThrough('user', [at('user', 'u-1')], service({ 'u-1': 'ann' }).fetch);
    expect(await Promise.all([stock, authors])).toEqual([[2], ['ann']]);
    expect(l2.calls.read).toBe(2);
    expect(s.stats.redisReads).toBe(2);
  });

  it('a failed read is a miss: counted as a Redis error, answered by the service', async () => {
    const { cache, l2 } = instance();
    l2.failing = true;
    const { session: s } = session(cache);
    expect(await s.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 7 }).fetch)).toEqual([7]);
    expect(s.stats).toMatchObject({ redisReads: 1, redisErrors: 1, misses: 1 });
  });

  it('while L2 is not ready, it is skipped without a round trip', async () => {
    const { cache, l2 } = instance();
    l2.ready = false;
    const { session: s } = session(cache);
    expect(await s.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 7 }).fetch)).toEqual([7]);
    s.flush();
    expect(l2.calls).toMatchObject({ read: 0, write: 0 });
  });
});

describe('what was fetched', () => {
  it('is stored in L1 at once and written to L2 in one pipeline when the session flushes', async () => {
    const { cache, l2 } = instance();
    const { session: s, trace } = session(cache);
    await s.readThrough('product', [at('product', 'p-1'), at('product', 'p-2')], service({ 'p-1': 'one', 'p-2': 'two' }).fetch);
    expect(l2.calls.write).toBe(0);
    expect(cache.local('product:p-1', clock)?.v).toBe('one');
    s.flush();
    await cache.drain();
    expect(l2.calls.write).toBe(1);
    expect(s.stats.redisWrites).toBe(1);
    expect(JSON.parse(bus.entries.get('product:p-2') as string)).toMatchObject({ v: 'two', s: T0 });
    expect(trace.downstreamCalls).toBe(0); // counted by the transport, which these fetches are not
  });

  it("an id the service does not know is remembered as a negative entry for the family's negative TTL", async () => {
    const { cache } = instance();
    const product = service<string>({});
    expect(await session(cache).session.readThrough('product', [at('product', 'p-404')], product.fetch)).toEqual([null]);
    expect(await session(cache).session.readThrough('product', [at('product', 'p-404')], product.fetch)).toEqual([null]);
    expect(product.asked).toHaveLength(1);
    clock += 10_000; // product: negative entries fresh for 10 s, then stale-while-revalidate
    const { session: later } = session(cache);
    expect(await later.readThrough('product', [at('product', 'p-404')], product.fetch)).toEqual([null]);
    expect(later.stats.stale).toBe(1);
    await cache.drain();
    expect(product.asked).toHaveLength(2);
  });

  it("is fresh for the shorter of the family's TTL and the service's max-age", async () => {
    const { cache } = instance();
    const short = service({ 'p-1': 'one' }, 2);
    await session(cache).session.readThrough('product', [at('product', 'p-1')], short.fetch);
    clock += 2_000;
    expect(typeof session(cache).session.peek('product', 'product:p-1', 'product:p-1')).toBe('symbol');
  });

  it('an entry on L2 answers another instance and is promoted to its L1', async () => {
    const a = instance();
    const b = instance();
    const { session: cold } = session(a.cache);
    await cold.readThrough('rating', [at('rating', 'p-1')], service({ 'p-1': 4 }).fetch);
    cold.flush();
    await a.cache.drain();
    const never = service<number>({});
    const { session: warm } = session(b.cache);
    expect(await warm.readThrough('rating', [at('rating', 'p-1')], never.fetch)).toEqual([4]);
    expect(never.asked).toHaveLength(0);
    expect(warm.stats).toMatchObject({ l2Hits: 1, misses: 0 });
    expect(b.cache.local('rating:p-1', clock)?.v).toBe(4);
  });
});

describe('stale-while-revalidate', () => {
  it('past freshness, both instances answer from the stale entry at once and the fleet refreshes it once', async () => {
    const a = instance();
    const b = instance();
    const first = service({ 'SKU-1': 5 });
    const { session: cold } = session(a.cache);
    await cold.readThrough('stock', [at('stock', 'SKU-1')], first.fetch);
    cold.flush();
    await a.cache.drain();
    await session(b.cache).session.readThrough('stock', [at('stock', 'SKU-1')], first.fetch); // promoted to B's L1
    clock += 6_000; // stock: fresh 5 s, stale-while-revalidate 5 s more

    // The refresh is held until both requests have answered.
    const refresh = deferredFetch<number>();
    let refreshes = 0;
    const counted: Fetch<number> = (missing, trace) => {
      refreshes++;
      return refresh.fetch(missing, trace);
    };
    const sessions = [session(a.cache).session, session(b.cache).session];
    const answers = await Promise.all(sessions.map((s) => s.readThrough('stock', [at('stock', 'SKU-1')], counted)));
    expect(answers).toEqual([[5], [5]]);
    expect(sessions.map((s) => s.stats.stale)).toEqual([1, 1]);
    refresh.answer('stock', { 'SKU-1': 4 });
    await Promise.all([a.cache.drain(), b.cache.drain()]);
    expect(refreshes).toBe(1);
    expect(a.cache.local('stock:SKU-1', clock)?.v).toBe(4);
    expect(bus.locks.size).toBe(0); // released after the refresh
  });
});

describe('stale-if-error', () => {
  const failing: Fetch<number> = async () => {
    throw new DownstreamError('inventory', 'status', 'answered GET /stock with HTTP 503', 503);
  };

  it('within the window, the stale value answers and the session reports it', async () => {
    const { cache } = instance();
    await session(cache).session.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 5 }).fetch);
    clock += 11_000; // past freshness and stale-while-revalidate, within 300 s of stale-if-error
    const { session: s } = session(cache);
    expect(await s.readThrough('stock', [at('stock', 'SKU-1')], failing)).toEqual([5]);
    expect(s.staleIfError).toEqual([{ entity: 'stock:SKU-1', ageSeconds: 11, code: 'DOWNSTREAM_ERROR', service: 'inventory' }]);
  });

  it('past the window, the error is the answer', async () => {
    const { cache } = instance();
    await session(cache).session.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 5 }).fetch);
    clock += 400_000;
    const [answer] = await session(cache).session.readThrough('stock', [at('stock', 'SKU-1')], failing);
    expect(answer).toBeInstanceOf(DownstreamError);
  });

  it('private families are never served stale', async () => {
    const { cache } = instance();
    await session(cache).session.readThrough('account', [at('account', 'u-1')], service({ 'u-1': 'me' }).fetch);
    clock += 31_000;
    const [answer] = await session(cache).session.readThrough('account', [at('account', 'u-1')], failing);
    expect(answer).toBeInstanceOf(DownstreamError);
  });
});

describe('eviction across instances', () => {
  it("drops the entity from every instance's L1 and from L2", async () => {
    const a = instance();
    const b = instance();
    const { session: s } = session(b.cache);
    await s.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 5 }).fetch);
    s.flush();
    await b.cache.drain();
    await a.cache.evict([at('stock', 'SKU-1')]);
    expect(b.cache.local('stock:SKU-1', clock)).toBeUndefined();
    expect(bus.entries.has('stock:SKU-1')).toBe(false);
  });

  it('a value fetched before the eviction is stored neither in L1 nor in L2', async () => {
    const a = instance();
    const b = instance();
    const slow = deferredFetch<number>();
    const { session: s } = session(b.cache);
    const read = s.readThrough('stock', [at('stock', 'SKU-1')], slow.fetch);
    await settle();
    expect(slow.started).toBe(true);
    clock += 10;
    await a.cache.evict([at('stock', 'SKU-1')]); // an order placed while the read was out
    slow.answer('stock', { 'SKU-1': 5 });
    expect(await read).toEqual([5]); // this request still sees what it fetched
    s.flush();
    await b.cache.drain();
    expect(b.cache.local('stock:SKU-1', clock)).toBeUndefined();
    expect(bus.entries.has('stock:SKU-1')).toBe(false);
  });
});

describe('dependencies', () => {
  it('records every owner read, pages of a hashed family under their owner', async () => {
    const { cache } = instance();
    const { session: s } = session(cache);
    await s.readThrough('reviews', [{ family: 'reviews', owner: 'p-1', field: '|10' }], service<string>({}).fetch);
    await s.readThrough('stock', [at('stock', 'SKU-1')], service({ 'SKU-1': 1 }).fetch);
    expect([...s.dependencies]).toEqual(['reviews:p-1', 'stock:SKU-1']);
  });
});
