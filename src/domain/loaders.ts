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

/** A read that answers at once from L1 when it can; otherwise batched, cached and deduplicated. */
export interface EntityLoader<K, V> {
  load(key: K): V | Promise<V>;
  /** Values (or per-key errors) in key order; synchronous when every key is a warm hit. */
  loadMany(keys: readonly K[]): (V | Error)[] | Promise<(V | Error)[]>;
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

/** A short, fixed-length key part for free text (a search term, a cursor). */
function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** The loaders of one request, over its cache session and batch scheduler; `budget` bounds the keys it sends downstream. */
export function createLoaders(downstream: Downstream, trace: CallTrace, cache: CacheSession, scheduler: BatchScheduler, budget: KeyBudget): Loaders {
  /** A batch function that first takes its keys from the request's budget. */
  function budgeted<K, V>(name: LoaderName, batch: (keys: readonly K[]) => Promise<V[]>): (keys: readonly K[]) => Promise<(V | Error)[]> {
    return scheduler.track<K, V | Error>(name, (keys) => {
      const over = budget.take(keys.length);
      return over ? Promise.resolve(keys.map(() => over)) : batch(keys);
    });
  }

  /**
   * Puts the warm path in front of a DataLoader made on first need. `where`
   * names the entry of a key; an entry's value is the loader's value.
   */
  function warm<K, V, S = V>(
    family: Family,
    where: (key: K) => CacheAddress,
    make: () => DataLoader<K, S, string>,
    fromStored: (stored: S) => V = (v) => v as unknown as V,
  ): EntityLoader<K, V> {
    let loader: DataLoader<K, S, string> | undefined;
    const slow = () => (loader ??= make());
    const peek = (key: K): unknown => {
      const address = where(key);
      const local = localKey(address);
      return cache.peek(family, local, address.field === undefined ? local : localKey({ family, owner: address.owner }));
    };
    return {
      load(key) {
        const hit = peek(key);
        if (hit !== MISS) return fromStored(hit as S);
        return slow().load(key).then(fromStored);
      },
      loadMany(keys) {
        const out: (V | Error)[] = new Array(keys.length);
        let missing: number[] | undefined;
        for (let i = 0; i < keys.length; i++) {
          const hit = peek(keys[i] as K);
          if (hit === MISS) (missing ??= []).push(i);
          else out[i] = fromStored(hit as S);
        }
        if (!missing) return out;
        const misses = missing;
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
    fetch: (ids: string[], trace: CallTrace) => Promise<{ value: V[]; maxAgeSeconds: number | null }>,
    keyOf: (value: V) => string,
  ): EntityLoader<string, V | null> {
    const read: Fetch<V> = async (missing, callTrace) => {
      const { value, maxAgeSeconds } = await fetch(
        missing.map((a) => a.owner),
        callTrace,
      );
      const values = new Map<string, V | null>();
      for (const item of value) values.set(localKey({ family, owner: keyOf(item) }), item);
      return { values, maxAgeSeconds };
    };
    return warm<string, V | null>(
      family,
      (owner) => ({ family, owner }),
      () =>
        new DataLoader<string, V | null>(
          budgeted(name, (keys) => cache.readThrough(family, keys.map((owner) => ({ family, owner })), read)),
          { maxBatchSize: MAX_BATCH, batchScheduleFn: scheduler.scheduleFn(name) },
        ),
    );
  }

  /** An endpoint without a batch form read through the cache: one read per distinct key, in parallel. */
  function each<K, V, S = V>(
    name: LoaderName,
    family: Family,
    where: (key: K) => CacheAddress,
    fetch: (key: K, trace: CallTrace) => Promise<{ value: S; maxAgeSeconds: number | null }>,
    fromStored?: (stored: S) => V,
  ): EntityLoader<K, V> {
    return warm<K, V, S>(
      family,
      where,
      () =>
        new DataLoader<K, S, string>(
          budgeted(name, (keys) =>
            Promise.all(
              keys.map(async (key) => {
                const address = where(key);
                const [result] = await cache.readThrough<S>(family, [address], async (_missing, callTrace) => {
                  const { value, maxAgeSeconds } = await fetch(key, callTrace);
                  return { values: new Map([[localKey(address), value]]), maxAgeSeconds };
                });
                return result as S | Error;
              }),
            ),
          ),
          { batchScheduleFn: scheduler.scheduleFn(name), cacheKeyFn: (key) => localKey(where(key)) },
        ),
      fromStored,
    );
  }

  const pageField = (cursor: string | undefined, limit: number) => `${cursor === undefined ? '' : digest(cursor)}|${limit}`;

  return {
    product: batch('product', 'product', (ids, t) => downstream.catalog.productsByIds(ids, t), (p) => p.id),
    stock: batch('stock', 'stock', (skus, t) => downstream.inventory.stockBySkus(skus, t), (s) => s.sku),
    rating: batch('rating', 'rating', (ids, t) => downstream.reviews.ratings(ids, t), (r) => r.productId),
    user: batch(
      'user',
      'user',
      async (ids, t) => {
        const { value, maxAgeSeconds } = await downstream.accounts.usersByIds(ids, t);
        return { value: value.map(publicProfile), maxAgeSeconds };
      },
      (u) => u.id,
    ),
    // Private: only ever loaded with the verified viewer's id (see Query.me and cache/entityPolicies.ts).
    account: batch('user', 'account', (ids, t) => downstream.accounts.usersByIds(ids, t), (u) => u.id),
    categories: each<'all', CategoryIndex, DownstreamCategory[]>(
      'categories',
      'categories',
      () => ({ family: 'categories', owner: 'all' }),
      (_key, t) => downstream.catalog.categories(t),
      categoryIndex,
    ),
    listing: each<ListingKey, PageRead<DownstreamProduct>>(
      'listing',
      'listing',
      (k) => ({ family: 'listing', owner: digest(JSON.stringify([k.categoryId ?? null, k.search ?? null, k.cursor ?? null, k.limit])) }),
      async (key, t) => {
        const read = await downstream.catalog.listProducts(key, t);
        // A refused page (a forged cursor) is answered, never cached: max-age 0.
        return 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
    reviewPage: each<ReviewPageKey, PageRead<DownstreamReview> | null>(
      'reviewPage',
      'reviews',
      (k) => ({ family: 'reviews', owner: k.productId, field: pageField(k.cursor, k.limit) }),
      async (key, t) => {
        const read = await downstream.reviews.reviewsPage(key.productId, key.cursor, key.limit, t);
        return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
    recommendations: each<RecommendationsKey, string[]>(
      'recommendations',
      'recommendations',
      (k) => ({ family: 'recommendations', owner: `${k.productId}|${k.limit}` }),
      (key, t) => downstream.recommendations.related(key.productId, key.limit, t),
    ),
    orderPage: each<OrderPageKey, PageRead<DownstreamOrder> | null>(
      'orderPage',
      'orders',
      // Private: the owner is the verified user's id (see cache/entityPolicies.ts).
      (k) => ({ family: 'orders', owner: k.userId, field: pageField(k.cursor, k.limit) }),
      async (key, t) => {
        const read = await downstream.orders.ordersPage(key.userId, key.cursor, key.limit, t);
        return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
      },
    ),
  };
}
