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
 * then the service, for only what is still missing.
 *
 * Batchable reads (products, stock, ratings, users) are chunked at the
 * contract's 100 ids. Reads without a batch endpoint (a listing page, a review
 * page, recommendations, an order page) still go through a loader, so they
 * are deduplicated and scheduled by the same `BatchScheduler`.
 */
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import type { CacheSession } from '../cache/cacheSession';
import type { Fetch } from '../cache/entityCache';
import { localKey, publicProfile, type CacheAddress, type Family, type PublicProfile } from '../cache/policies';
import type { Downstream } from '../downstream';
import type { CallTrace } from '../downstream/serviceHttp';
import type {
  DownstreamCategory,
  DownstreamOrder,
  DownstreamPage,
  DownstreamProduct,
  DownstreamRatingSummary,
  DownstreamReview,
  DownstreamStockLevel,
  DownstreamUser,
} from '../downstream/types';
import { MAX_BATCH } from '../downstream/ids';
import { BatchScheduler, type LoaderName } from './batchScheduler';
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

export interface Loaders {
  product: DataLoader<string, DownstreamProduct | null>;
  stock: DataLoader<string, DownstreamStockLevel | null>;
  rating: DataLoader<string, DownstreamRatingSummary | null>;
  /** Public profiles (no email), shared by every user through the cache. */
  user: DataLoader<string, PublicProfile | null>;
  /** The signed-in user's own account, with personal data: never cached. */
  account: DataLoader<string, DownstreamUser | null>;
  categories: DataLoader<'all', CategoryIndex>;
  listing: DataLoader<ListingKey, PageRead<DownstreamProduct>, string>;
  reviewPage: DataLoader<ReviewPageKey, PageRead<DownstreamReview> | null, string>;
  recommendations: DataLoader<RecommendationsKey, string[], string>;
  /** Private: cached per user (the key holds the verified user id), evicted by that user's orders. */
  orderPage: DataLoader<OrderPageKey, PageRead<DownstreamOrder>, string>;
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

export function createLoaders(downstream: Downstream, trace: CallTrace, cache: CacheSession): Loaders {
  const scheduler = new BatchScheduler();

  /**
   * A loader over a batch endpoint, read through the cache: answers come back
   * unordered with unknown ids left out, which the cache remembers as negative entries.
   */
  function batchLoader<V>(
    name: LoaderName,
    family: Family,
    fetch: (ids: string[], trace: CallTrace) => Promise<{ value: V[]; maxAgeSeconds: number | null }>,
    keyOf: (value: V) => string,
  ): DataLoader<string, V | null> {
    const read: Fetch<V> = async (missing, callTrace) => {
      const { value, maxAgeSeconds } = await fetch(
        missing.map((a) => a.owner),
        callTrace,
      );
      const values = new Map<string, V | null>();
      for (const item of value) values.set(localKey({ family, owner: keyOf(item) }), item);
      return { values, maxAgeSeconds };
    };
    return new DataLoader<string, V | null>(
      scheduler.track(name, (keys) => cache.readThrough(family, keys.map((owner) => ({ family, owner })), read)),
      { maxBatchSize: MAX_BATCH, batchScheduleFn: scheduler.scheduleFn(name) },
    );
  }

  /** A loader over an endpoint without a batch form: one cached read per distinct key, in parallel. */
  function eachLoader<K, V>(
    name: LoaderName,
    family: Family,
    address: (key: K) => CacheAddress,
    fetch: (key: K, trace: CallTrace) => Promise<{ value: V; maxAgeSeconds: number | null }>,
  ): DataLoader<K, V, string> {
    return new DataLoader<K, V, string>(
      scheduler.track(name, (keys) =>
        Promise.all(
          keys.map(async (key) => {
            const where = address(key);
            const [result] = await cache.readThrough<V>(family, [where], async (_missing, callTrace) => {
              const { value, maxAgeSeconds } = await fetch(key, callTrace);
              return { values: new Map([[localKey(where), value]]), maxAgeSeconds };
            });
            return result as V | Error;
          }),
        ),
      ),
      { batchScheduleFn: scheduler.scheduleFn(name), cacheKeyFn: (key) => localKey(address(key)) },
    );
  }

  return {
    product: batchLoader('product', 'product', (ids, t) => downstream.catalog.productsByIds(ids, t), (p) => p.id),
    stock: batchLoader('stock', 'stock', (skus, t) => downstream.inventory.stockBySkus(skus, t), (s) => s.sku),
    rating: batchLoader('rating', 'rating', (ids, t) => downstream.reviews.ratings(ids, t), (r) => r.productId),
    user: batchLoader(
      'user',
      'user',
      async (ids, t) => {
        const { value, maxAgeSeconds } = await downstream.accounts.usersByIds(ids, t);
        return { value: value.map(publicProfile), maxAgeSeconds };
      },
      (u) => u.id,
    ),
    account: new DataLoader<string, DownstreamUser | null>(
      scheduler.track('user', async (ids) => {
        const { value } = await downstream.accounts.usersByIds(ids, trace);
        return ids.map((id) => value.find((u) => u.id === id) ?? null);
      }),
      { batchScheduleFn: scheduler.scheduleFn('user') },
    ),
    categories: categoriesLoader(),
    listing: eachLoader<ListingKey, PageRead<DownstreamProduct>>(
      'listing',
      'listing',
      (k) => ({ family: 'listing', owner: digest(`${k.categoryId ?? ''}|${k.search ?? ''}|${k.cursor ?? ''}|${k.limit}`) }),
      async (key, t) => {
        const read = await downstream.catalog.listProducts(key, t);
        return 'rejected' in read ? { value: read, maxAgeSeconds: null } : read;
      },
    ),
    reviewPage: eachLoader<ReviewPageKey, PageRead<DownstreamReview> | null>(
      'reviewPage',
      'reviews',
      (k) => ({ family: 'reviews', owner: k.productId, field: `${k.cursor === undefined ? '' : digest(k.cursor)}|${k.limit}` }),
      async (key, t) => {
        const read = await downstream.reviews.reviewsPage(key.productId, key.cursor, key.limit, t);
        return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: null } : read;
      },
    ),
    recommendations: eachLoader<RecommendationsKey, string[]>(
      'recommendations',
      'recommendations',
      (k) => ({ family: 'recommendations', owner: `${k.productId}|${k.limit}` }),
      (key, t) => downstream.recommendations.related(key.productId, key.limit, t),
    ),
    orderPage: eachLoader<OrderPageKey, PageRead<DownstreamOrder>>(
      'orderPage',
      'orders',
      // Private: the owner is the verified user's id (see cache/policies.ts).
      (k) => ({ family: 'orders', owner: k.userId, field: `${k.cursor === undefined ? '' : digest(k.cursor)}|${k.limit}` }),
      async (key, t) => ({ value: await downstream.orders.ordersPage(key.userId, key.cursor, key.limit, t), maxAgeSeconds: null }),
    ),
  };

  /** The category tree, cached as the service's list and indexed once per cached list. */
  function categoriesLoader(): DataLoader<'all', CategoryIndex> {
    const list = eachLoader<'all', DownstreamCategory[]>(
      'categories',
      'categories',
      () => ({ family: 'categories', owner: 'all' }),
      (_key, t) => downstream.catalog.categories(t),
    );
    return new DataLoader<'all', CategoryIndex>(async (keys) => {
      const categories = await list.load('all');
      return keys.map(() => categoryIndex(categories));
    });
  }
}
