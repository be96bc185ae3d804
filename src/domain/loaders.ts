/**
 * The per-request DataLoaders: every downstream read of the gateway goes
 * through one of these.
 *
 * Why per request: a loader's memo is a snapshot of one request's world. It
 * deduplicates (the same product asked for by three fields is fetched once)
 * and batches (24 products' stock in one `GET /stock`), but it must never
 * outlive the request, or one user's view would leak into another's. Shared,
 * cross-request caching is the cache layer underneath (src/cache): every
 * batch reads through the request's CacheSession, which asks L1, then Redis,
 * then the service, for only what is still missing. When each batch goes is
 * the request's BatchScheduler's decision (batchScheduler.ts).
 *
 * Batchable reads (products, stock, ratings, users) are chunked at the
 * contract's 100 ids. Reads without a batch endpoint (a listing page, a review
 * page, recommendations, an order page) still go through a loader, so they
 * are deduplicated and scheduled by the same `BatchScheduler`.
 *
 * The warm path skips all of that: `load` first asks the session for a fresh
 * L1 entry and, on a hit, returns the value itself, synchronously. Resolvers
 * are written to stay synchronous when their inputs are (see
 * resolvers/promiseOrValue.ts), so a fully warm request resolves without promises,
 * and a DataLoader is only created once a loader first misses.
 */
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { MISS, type CacheSession } from '../cache/cacheSession';
import { publicProfile, type Family, type PublicProfile } from '../cache/entityPolicies';
import type { Fetch } from '../cache/fetch';
import { localKey, type CacheAddress } from '../cache/keys';
import type { Downstream } from '../downstream';
import type { CallTrace } from '../downstream/call';
import type { DownstreamCategory, DownstreamOrder, DownstreamPage, DownstreamProduct, DownstreamRatingSummary, DownstreamReview, DownstreamStockLevel, DownstreamUser } from '../contract/payloads';
import { MAX_BATCH } from '../contract/ids';
import type { BatchScheduler, LoaderName } from './batchScheduler';
import { CallCancelled } from '../downstream/call';
import { Interests, type PrefetchScope } from './interest';
import type { KeyBudget } from './keyBudget';
import { CategoryIndex } from './categories';

/** A page read, or the service's refusal of the page parameters (a bad cursor). */
export type PageRead<T> = DownstreamPage<T> | { rejected: string };

export interface ListingKey {
  categoryId?: string;
  search?: string;
  cursor?: string;
  limit: number;
}

export interface ReviewPageKey {
  productId: string;
  cursor?: string;
  limit: number;
}

export interface OrderPageKey {
  userId: string;
  cursor?: string;
  limit: number;
}

export interface RecommendationsKey {
  productId: string;
  limit: number;
}

/**
 * A read that answers at once from L1 when it can; otherwise batched, cached
 * and deduplicated. `scope`: the load is a prefetch's, given up with it
 * (domain/interest.ts); without one, the request itself needs it.
 */
export interface EntityLoader<K, V> {
  load(key: K, scope?: PrefetchScope | null): V | Promise<V>;
  /** Values (or per-key errors) in key order; synchronous when every key is a warm hit. */
  loadMany(keys: readonly K[], scope?: PrefetchScope | null): (V | Error)[] | Promise<(V | Error)[]>;
  prime(key: K, value: V): void;
}

export interface Loaders {
  product: EntityLoader<string, DownstreamProduct | null>;
  stock: EntityLoader<string, DownstreamStockLevel | null>;
  rating: EntityLoader<string, DownstreamRatingSummary | null>;
  /** Public profiles (no email), shared by every user through the cache. */
  user: EntityLoader<string, PublicProfile | null>;
  /** The signed-in user's own account, with personal data: cached only under that user's verified id. */
  account: EntityLoader<string, DownstreamUser | null>;
  categories: EntityLoader<'all', CategoryIndex>;
  listing: EntityLoader<ListingKey, PageRead<DownstreamProduct>>;
  reviewPage: EntityLoader<ReviewPageKey, PageRead<DownstreamReview> | null>;
  recommendations: EntityLoader<RecommendationsKey, string[]>;
  /** Private: cached per user (the key holds the verified user id), evicted by that user's orders. */
  orderPage: EntityLoader<OrderPageKey, PageRead<DownstreamOrder> | null>;
}

/** One category index per cached category list: built once, reused while the list is cached. */
const categoryIndexes = new WeakMap<DownstreamCategory[], CategoryIndex>();

function categoryIndex(categories: DownstreamCategory[]): CategoryIndex {
  let index = categoryIndexes.get(categories);
  if (!index) categoryIndexes.set(categories, (index = new CategoryIndex(categories)));
  return index;
}

/**
 * A short, fixed-length key part for free text (a search term, a cursor).
 * Remembered for the texts seen last: a listing's key is digested on every
 * request that reads it (twice: its L1 peek and its loader key), and a SHA-1
 * was 1.5 % of a warm MobileHome's CPU. The memo is cleared when it reaches
 * DIGESTS_KEPT texts, so what clients send can never grow it further.
 */
function digest(text: string): string {
  let value = digests.get(text);
  if (value === undefined) {
    if (digests.size >= DIGESTS_KEPT) digests.clear();
    digests.set(text, (value = createHash('sha1').update(text).digest('base64url')));
  }
  return value;
}

const DIGESTS_KEPT = 1024;
const digests = new Map<string, string>();

/** The loaders of one request, over its cache session and batch scheduler; `budget` bounds the keys it sends downstream. */
export function createLoaders(downstream: Downstream, trace: CallTrace, cache: CacheSession, scheduler: BatchScheduler, budget: KeyBudget): Loaders {
  /**
   * A batch function that sends nothing when none of its keys is wanted any
   * more, takes its keys from the request's budget, and hands the batch the
   * signal that cancels it once none is.
   */
  function budgeted<K, V>(
    name: LoaderName,
    interests: Interests,
    keyOf: (key: K) => string,
    batch: (keys: readonly K[], signal: AbortSignal | undefined) => Promise<V[]>,
  ): (keys: readonly K[]) => Promise<(V | Error)[]> {
    return scheduler.track<K, V | Error>(name, (keys) => {
      const guard = interests.guard(keys.map(keyOf));
      if (guard.abandoned) return Promise.resolve(keys.map(() => new CallCancelled('not sent: every object it was prefetched for is missing or failed')));
      const over = budget.take(keys.length);
      return over ? Promise.resolve(keys.map(() => over)) : batch(keys, guard.signal);
    });
  }

  /**
   * Puts the warm path in front of a DataLoader made on first need. `where`
   * names the entry of a key; an entry's value is the loader's value.
   */
  function warm<K, V, S = V>(
    family: Family,
    where: (key: K) => CacheAddress,
    make: (interests: Interests, keyOf: (key: K) => string) => DataLoader<K, S, string>,
    fromStored: (stored: S) => V = (v) => v as unknown as V,
  ): EntityLoader<K, V> {
    let loader: DataLoader<K, S, string> | undefined;
    const interests = new Interests();
    const keyOf = (key: K) => localKey(where(key));
    const slow = () => (loader ??= make(interests, keyOf));
    const peek = (key: K): unknown => {
      if (!cache.peekable) return MISS;
      const address = where(key);
      const local = localKey(address);
      return cache.peek(family, local, address.field === undefined ? local : localKey({ family, owner: address.owner }));
    };
    return {
      load(key, scope) {
        const hit = peek(key);
        if (hit !== MISS) return fromStored(hit as S);
        interests.note(keyOf(key), scope ?? null);
        return slow().load(key).then(fromStored);
      },
      loadMany(keys, scope) {
        const out: (V | Error)[] = new Array(keys.length);
        let missing: number[] | undefined;
        for (let i = 0; i < keys.length; i++) {
          const hit = peek(keys[i] as K);
          if (hit === MISS) (missing ??= []).push(i);
          else out[i] = fromStored(hit as S);
        }
        if (!missing) return out;
        const misses = missing;
        for (const i of misses) interests.note(keyOf(keys[i] as K), scope ?? null);
        return slow()
          .loadMany(misses.map((i) => keys[i] as K))
          .then((values) => {
            misses.forEach((i, j) => {
              const value = values[j] as S | Error;
              out[i] = value instanceof Error ? value : fromStored(value);
            });
            return out;
          });
      },
      prime(key, value) {
        slow().prime(key, value as unknown as S);
      },
    };
  }

  /** A batch endpoint read through the cache: unknown ids are remembered as negative entries. */
  function batch<V>(
    name: LoaderName,
    family: Family,
    fetch: (ids: string[], trace: CallTrace, signal?: AbortSignal) => Promise<{ value: V[]; maxAgeSeconds: number | null }>,
    keyOf: (value: V) => string,
  ): EntityLoader<string, V | null> {
    const read: Fetch<V> = async (missing, callTrace, signal) => {
      const { value, maxAgeSeconds } = await fetch(
        missing.map((a) => a.owner),
        callTrace,
        signal,
      );
      const values = new Map<string, V | null>();
      for (const item of value) values.set(localKey({ family, owner: keyOf(item) }), item);
      return { values, maxAgeSeconds };
    };
    return warm<string, V | null>(
      family,
      (owner) => ({ family, owner }),
      (interests, keyOfKey) =>
        new DataLoader<string, V | null>(
          budgeted(name, interests, keyOfKey, (keys, signal) => cache.readThrough(family, keys.map((owner) => ({ family, owner })), read, signal)),
          { maxBatchSize: MAX_BATCH, batchScheduleFn: scheduler.scheduleFn(name) },
        ),
    );
  }

  /** An endpoint without a batch form read through the cache: one read per distinct key, in parallel. */
  function each<K, V, S = V>(
    name: LoaderName,
    family: Family,
    where: (key: K) => CacheAddress,
    fetch: (key: K, trace: CallTrace, signal?: AbortSignal) => Promise<{ value: S; maxAgeSeconds: number | null }>,
    fromStored?: (stored: S) => V,
  ): EntityLoader<K, V> {
    return warm<K, V, S>(
      family,
      where,
      (interests, keyOf) =>
        new DataLoader<K, S, string>(
          // One call per key: each key is its own batch, sent or cancelled alone.
          (keys) =>
            Promise.all(
              keys.map(async (key) => {
                const [result] = await budgeted(name, interests, keyOf, (one: readonly K[], signal) => {
                  const address = where(one[0] as K);
                  return cache.readThrough<S>(family, [address], async (_missing, callTrace, cancel) => {
                    const { value, maxAgeSeconds } = await fetch(key, callTrace, cancel);
                    return { values: new Map([[localKey(address), value]]), maxAgeSeconds };
                  }, signal);
                })([key]);
                return result as S | Error;
              }),
            ),
          { batchScheduleFn: scheduler.scheduleFn(name), cacheKeyFn: keyOf },
        ),
      fromStored,
    );
  }

  const pageField = (cursor: string | undefined, limit: number) => `${cursor === undefined ? '' : digest(cursor)}|${limit}`;

  return {
    product: batch('product', 'product', (ids, t, c) => downstream.catalog.productsByIds(ids, t, c), (p) => p.id),
    stock: batch('stock', 'stock', (skus, t, c) => downstream.inventory.stockBySkus(skus, t, c), (s) => s.sku),
    rating: batch('rating', 'rating', (ids, t, c) => downstream.reviews.ratings(ids, t, c), (r) => r.productId),
    user: batch(
      'user',
      'user',
      async (ids, t, c) => {
        const { value, maxAgeSeconds } = await downstream.accounts.usersByIds(ids, t, c);
        return { value: value.map(publicProfile), maxAgeSeconds };
      },
      (u) => u.id,
    ),
    // Private: only ever loaded with the verified viewer's id (see Query.me and cache/entityPolicies.ts).
    account: batch('user', 'account', (ids, t, c) => downstream.accounts.usersByIds(ids, t, c), (u) => u.id),
    categories: each<'all', CategoryIndex, DownstreamCategory[]>(
      'categories',
      'categories',
      () => ({ family: 'categories', owner: 'all' }),
      (_key, t, c) => downstream.catalog.categories(t, c),
      categoryIndex,
    ),
    listing: each<ListingKey, PageRead<DownstreamProduct>>(
      'listing',
      'listing',
      (k) => ({ family: 'listing', owner: digest(JSON.stringify([k.categoryId ?? null, k.search ?? null, k.cursor ?? null, k.limit])) }),
      async (key, t, c) => {
        const read = await downstream.catalog.listProducts(key, t, c);
        // A refused page (a forged cursor) is answered, never cached: max-age 0.
        return 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
    reviewPage: each<ReviewPageKey, PageRead<DownstreamReview> | null>(
      'reviewPage',
      'reviews',
      (k) => ({ family: 'reviews', owner: k.productId, field: pageField(k.cursor, k.limit) }),
      async (key, t, c) => {
        const read = await downstream.reviews.reviewsPage(key.productId, key.cursor, key.limit, t, c);
        return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
    recommendations: each<RecommendationsKey, string[]>(
      'recommendations',
      'recommendations',
      (k) => ({ family: 'recommendations', owner: `${k.productId}|${k.limit}` }),
      (key, t, c) => downstream.recommendations.related(key.productId, key.limit, t, c),
    ),
    orderPage: each<OrderPageKey, PageRead<DownstreamOrder> | null>(
      'orderPage',
      'orders',
      // Private: the owner is the verified user's id (see cache/entityPolicies.ts).
      (k) => ({ family: 'orders', owner: k.userId, field: pageField(k.cursor, k.limit) }),
      async (key, t, c) => {
        const read = await downstream.orders.ordersPage(key.userId, key.cursor, key.limit, t, c);
        return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
  };
}
