/**
 * The per-request DataLoaders: every downstream read of the gateway goes
 * through one of these.
 *
 * Why per request: a loader's memo is a snapshot of one request's world. It
 * deduplicates (the same product asked for by three fields is fetched once)
 * and batches (24 products' stock in one `GET /stock`), but it must never
 * outlive the request, or one user's view would leak into another's. Shared,
 * cross-request caching belongs to the cache layer underneath, not here.
 *
 * Batchable reads (products, stock, ratings, users) are chunked at the
 * contract's 100 ids. Reads without a batch endpoint (a listing page, a review
 * page, recommendations, an order page) still go through a loader, so they
 * are deduplicated and scheduled by the same `BatchScheduler`.
 */
import DataLoader from 'dataloader';
import type { Downstream } from '../downstream';
import type { CallTrace } from '../downstream/serviceHttp';
import type {
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
  user: DataLoader<string, DownstreamUser | null>;
  categories: DataLoader<'all', CategoryIndex>;
  listing: DataLoader<ListingKey, PageRead<DownstreamProduct>, string>;
  reviewPage: DataLoader<ReviewPageKey, PageRead<DownstreamReview> | null, string>;
  recommendations: DataLoader<RecommendationsKey, string[], string>;
  orderPage: DataLoader<OrderPageKey, PageRead<DownstreamOrder>, string>;
}

export function createLoaders(downstream: Downstream, trace: CallTrace): Loaders {
  const scheduler = new BatchScheduler();

  /** A loader over a batch endpoint: answers come back unordered, unknown ids left out. */
  function batchLoader<V>(
    name: LoaderName,
    fetch: (keys: readonly string[]) => Promise<{ value: V[] }>,
    keyOf: (value: V) => string,
  ): DataLoader<string, V | null> {
    return new DataLoader<string, V | null>(
      scheduler.track(name, async (keys) => {
        const { value } = await fetch(keys);
        const byKey = new Map<string, V>();
        for (const item of value) byKey.set(keyOf(item), item);
        return keys.map((key) => byKey.get(key) ?? null);
      }),
      { maxBatchSize: MAX_BATCH, batchScheduleFn: scheduler.scheduleFn(name) },
    );
  }

  /** A loader over an endpoint without a batch form: one call per distinct key, in parallel. */
  function eachLoader<K, V>(name: LoaderName, fetch: (key: K) => Promise<V>, cacheKey: (key: K) => string): DataLoader<K, V, string> {
    return new DataLoader<K, V, string>(
      scheduler.track(name, (keys) =>
        Promise.all(keys.map((key) => fetch(key).catch((error: unknown) => toError(error)))) as Promise<V[]>,
      ),
      { batchScheduleFn: scheduler.scheduleFn(name), cacheKeyFn: cacheKey },
    );
  }

  return {
    product: batchLoader('product', (ids) => downstream.catalog.productsByIds(ids, trace), (p) => p.id),
    stock: batchLoader('stock', (skus) => downstream.inventory.stockBySkus(skus, trace), (s) => s.sku),
    rating: batchLoader('rating', (ids) => downstream.reviews.ratings(ids, trace), (r) => r.productId),
    user: batchLoader('user', (ids) => downstream.accounts.usersByIds(ids, trace), (u) => u.id),
    categories: eachLoader<'all', CategoryIndex>(
      'categories',
      async () => new CategoryIndex((await downstream.catalog.categories(trace)).value),
      () => 'all',
    ),
    listing: eachLoader<ListingKey, PageRead<DownstreamProduct>>(
      'listing',
      async (key) => {
        const read = await downstream.catalog.listProducts(key, trace);
        return 'rejected' in read ? read : read.value;
      },
      (k) => `${k.categoryId ?? ''}|${k.search ?? ''}|${k.cursor ?? ''}|${k.limit}`,
    ),
    reviewPage: eachLoader<ReviewPageKey, PageRead<DownstreamReview> | null>(
      'reviewPage',
      async (key) => {
        const read = await downstream.reviews.reviewsPage(key.productId, key.cursor, key.limit, trace);
        return read === null || 'rejected' in read ? read : read.value;
      },
      (k) => `${k.productId}|${k.cursor ?? ''}|${k.limit}`,
    ),
    recommendations: eachLoader<RecommendationsKey, string[]>(
      'recommendations',
      async (key) => (await downstream.recommendations.related(key.productId, key.limit, trace)).value,
      (k) => `${k.productId}|${k.limit}`,
    ),
    orderPage: eachLoader<OrderPageKey, PageRead<DownstreamOrder>>(
      'orderPage',
      (key) => downstream.orders.ordersPage(key.userId, key.cursor, key.limit, trace),
      (k) => `${k.userId}|${k.cursor ?? ''}|${k.limit}`,
    ),
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

