/**
 * The whole-response cache (cache/responseCache.ts) on its own: what this
 * process holds (bodies as bytes, answered without a promise), what the
 * fleet shares through real Redis (the machine's server, a prefix of the
 * test's own), and what makes a stored response a miss. Time moves through
 * the injected clock, never by sleeping.
 */
import Redis from 'ioredis';
import { InvalidationLog } from '../../src/cache/invalidationLog';
import { RedisTier } from '../../src/cache/redisTier';
import { ResponseCache } from '../../src/cache/responseCache';
import { SHARED_REDIS_URL, deleteUnder, testPrefix, waitFor } from '../helpers/redis';

const T0 = 1_800_000_000_000;
let clock: number;
const tiers: RedisTier[] = [];
const prefixes: string[] = [];

beforeEach(() => {
  clock = T0;
});

afterAll(async () => {
  await Promise.all(tiers.map((t) => t.close()));
  await Promise.all(prefixes.map((p) => deleteUnder(SHARED_REDIS_URL, p)));
});

async function tier(prefix: string): Promise<RedisTier> {
  const made = new RedisTier({ target: { url: SHARED_REDIS_URL, cluster: false }, prefix, commandTimeoutMs: 1000, breaker: { threshold: 3, cooldownMs: 5000 } });
  tiers.push(made);
  await waitFor(() => made.ready, 'the tier to connect');
  return made;
}

/** A cache over `redis`, whose invalidation log vouches for everything after T0 - 10 s. */
function responses(redis: RedisTier | null, maxBytes?: number): { cache: ResponseCache; log: InvalidationLog } {
  const log = new InvalidationLog(1000, 1000, T0 - 10_000);
  return { cache: new ResponseCache({ redis, log, now: () => clock, ...(maxBytes ? { maxBytes } : {}) }), log };
}

const DATA = JSON.stringify({ product: { id: 'p-0001', name: 'Prix €12,00 — “été”' } });
const BODY = `{"data":${DATA}}`;

describe('this process', () => {
  it('answers a stored response at once, as its body’s UTF-8 bytes, with its age and what is left of its max-age', () => {
    const { cache } = responses(null);
    const key = cache.key({ frontend: 'web', queryHash: 'h', operationName: 'Op', variables: { id: 'p-0001' }, locale: 'en-US' });
    expect(cache.lookup(key)).toBeNull();
    cache.save(key, DATA, ['product:p-0001'], clock, 30);
    clock += 12_500;
    const hit = cache.lookup(key);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toEqual({ body: Buffer.from(BODY, 'utf8'), ageSeconds: 12, remainingSeconds: 17 });
    // The same bytes every time: a hit allocates nothing for its body.
    expect((cache.lookup(key) as { body: Buffer }).body).toBe((hit as { body: Buffer }).body);
  });

  it('is keyed by every part: frontend, document, name, variables and locale', () => {
    const { cache } = responses(null);
    const base = { frontend: 'web', queryHash: 'h', operationName: 'Op', variables: { id: 'p-0001' }, locale: 'en-US' };
    const keys = [base, { ...base, frontend: 'mobile' }, { ...base, queryHash: 'h2' }, { ...base, operationName: 'Other' }, { ...base, variables: { id: 'p-0002' } }, { ...base, locale: 'fr-FR' }].map((k) => cache.key(k));
    expect(new Set(keys).size).toBe(keys.length);
    expect(cache.key({ ...base })).toBe(keys[0]);
  });

  it('misses once the max-age has passed, or an entity it was built from was evicted since it was stored', () => {
    const { cache, log } = responses(null);
    cache.save('a', DATA, ['product:p-0001'], clock, 5);
    cache.save('b', DATA, ['product:p-0002', 'stock:SKU-1'], clock, 60);
    clock += 5_000;
    expect(cache.lookup('a')).toBeNull();
    expect(cache.lookup('b')).not.toBeNull();
    log.record('stock:SKU-1', clock);
    expect(cache.lookup('b')).toBeNull();
  });

  it('stores nothing with a max-age of 0, and holds no response larger than a sixteenth of its budget', () => {
    const { cache } = responses(null, 16 * 1024);
    cache.save('zero', DATA, [], clock, 0);
    expect(cache.lookup('zero')).toBeNull();
    const large = JSON.stringify({ text: 'x'.repeat(1100) });
    cache.save('large', large, [], clock, 60);
    expect(cache.lookup('large')).toBeNull();
    cache.save('small', DATA, [], clock, 60);
    expect(cache.lookup('small')).not.toBeNull();
  });

  it('holds at most its budget of bytes, the least recently read going first', () => {
    const { cache } = responses(null, 16 * 1024);
    // 720 bytes of body, 2-3 of key and 200 of overhead: 17 fit in 16 KiB, 18 do not.
    const data = JSON.stringify({ text: 'y'.repeat(700) });
    for (let i = 0; i < 18; i += 1) {
      cache.save(`k${i}`, data, [], clock, 60);
      if (i > 0) expect(cache.lookup('k0')).not.toBeNull(); // k0 read after every write: always the most recent
    }
    expect(cache.lookup('k0')).not.toBeNull();
    expect(cache.lookup('k1')).toBeNull();
    expect(cache.lookup('k2')).not.toBeNull();
    expect(cache.lookup('k17')).not.toBeNull();
  });

  it('weighs a response’s dependencies too', () => {
    const { cache } = responses(null, 16 * 1024);
    const dependencies = Array.from({ length: 40 }, (_, i) => `product:p-${String(i).padStart(4, '0')}`); // 40 × (11 + 16) bytes
    cache.save('many', DATA, dependencies, clock, 60);
    expect(cache.lookup('many')).toBeNull(); // over a sixteenth of the budget with them, though its body is small
    cache.save('few', DATA, dependencies.slice(0, 5), clock, 60);
    expect(cache.lookup('few')).not.toBeNull();
  });

  it('takes any budget', () => {
    const { cache } = responses(null, 1000);
    cache.save('small', '1', [], clock, 60);
    expect(cache.lookup('small')).toBeNull(); // 210 bytes, over a sixteenth of 1,000
    expect(() => responses(null, 1001).cache.save('x', '1', [], clock, 60)).not.toThrow();
  });
});

describe('the fleet, through Redis', () => {
  it('serves what another instance stored, as the same bytes, and stores it in Redis as a line of meta and the data’s text', async () => {
    const prefix = testPrefix('responseCache');
    prefixes.push(prefix);
    const [a, b] = [responses(await tier(prefix)).cache, responses(await tier(prefix)).cache];
    a.save('shared', DATA, ['product:p-0001'], clock, 30);
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      await waitFor(async () => (await redis.exists(`${prefix}response:shared`)) === 1, 'the response to reach Redis');
      const [meta, data] = (await redis.get(`${prefix}response:shared`))!.split('\n');
      expect(JSON.parse(meta!)).toEqual({ dependencies: ['product:p-0001'], storedAt: T0, maxAge: 30 });
      expect(data).toBe(DATA);
      clock += 2_000;
      const remote = b.lookup('shared');
      expect(remote).toBeInstanceOf(Promise);
      expect(await remote).toEqual({ body: Buffer.from(BODY, 'utf8'), ageSeconds: 2, remainingSeconds: 28 });
      // Held by B from then on: no second Redis read.
      expect(b.lookup('shared')).not.toBeInstanceOf(Promise);

      // What Redis holds but nobody can read is a miss, never an error.
      await redis.set(`${prefix}response:broken`, 'no meta line', 'PX', 60_000);
      await redis.set(`${prefix}response:bad-meta`, '{"storedAt":"yesterday"}\n{}', 'PX', 60_000);
      expect(await b.lookup('broken')).toBeNull();
      expect(await b.lookup('bad-meta')).toBeNull();
      expect(await b.lookup('absent')).toBeNull();

      // A max-age of 0 is stored nowhere: not here, not in Redis.
      a.save('uncacheable', DATA, [], clock, 0);
      a.save('after', DATA, [], clock, 30); // written after it: once this is in Redis, so would the other be
      await waitFor(async () => (await redis.exists(`${prefix}response:after`)) === 1, 'the later response to reach Redis');
      expect(await redis.exists(`${prefix}response:uncacheable`)).toBe(0);

      // Stored here while Redis was still answering for it: the newer one is kept.
      await redis.set(`${prefix}response:raced`, `${JSON.stringify({ dependencies: [], storedAt: T0 - 5000, maxAge: 30 })}\n{"old":true}`, 'PX', 60_000);
      const reading = b.lookup('raced');
      b.save('raced', JSON.stringify({ new: true }), [], clock, 30);
      expect(((await reading) as { body: Buffer }).body.toString()).toBe('{"data":{"new":true}}');
      expect(((b.lookup('raced') as { body: Buffer }).body).toString()).toBe('{"data":{"new":true}}');
    } finally {
      redis.disconnect();
    }
  });
});

