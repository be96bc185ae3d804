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
 *
 * Why the loaders are made on first use, from specs made once: a request
 * holds its loaders until it is answered, long enough under load for the
 * garbage collector to copy them out of the young generation and often to
 * promote them. Ten loaders with their closures and key memos, made for
 * every request whether it reads that family or not, were a large part of
 * what a warm request left for the old generation. Now what does not change
 * between requests (a family's cache address, key and batch function) is a
 * `LoaderSpec`, made at module load; a request makes a small `WarmLoader`
 * for each family it reads, and its DataLoader, batch closures and interest
 * memo only on that family's first miss.
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

/** What `held` answers when the value is not at hand. */
export const NOT_HELD: unique symbol = Symbol('not held');

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
  /** The value at once when a fresh L1 entry holds it (counted as `load` counts a hit), else NOT_HELD; loads nothing. */
  held(key: K): V | typeof NOT_HELD;
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
export function createLoaders(downstream: Downstream, cache: CacheSession, scheduler: BatchScheduler, budget: KeyBudget): Loaders {
  return new RequestLoaders({ downstream, cache, scheduler, budget });
}

/** What a request's loaders read with. */
interface RequestReads {
  downstream: Downstream;
  cache: CacheSession;
  scheduler: BatchScheduler;
  budget: KeyBudget;
}

/** One family's loader, the same for every request: where a key's entry is, and how a request's DataLoader for it is made. */
interface LoaderSpec<K, V, S> {
  family: Family;
  /** The cache address of a key's entry; an entry's value is the loader's stored value. */
  where: (key: K) => CacheAddress;
  /** The local cache key of a key: the DataLoader's key and the interest memo's. */
  keyOf: (key: K) => string;
  /** A stored value as the loader's value; null: the same. */
  fromStored: ((stored: S) => V) | null;
  /** The request's DataLoader of this family, made on its first miss. */
  make: (request: RequestReads, interests: Interests, keyOf: (key: K) => string) => DataLoader<K, S, string>;
}

function spec<K, V, S>(family: Family, where: (key: K) => CacheAddress, fromStored: ((stored: S) => V) | null, make: LoaderSpec<K, V, S>['make']): LoaderSpec<K, V, S> {
  return { family, where, keyOf: (key) => localKey(where(key)), fromStored, make };
}

/**
 * Puts the warm path in front of a DataLoader made on first need: `load`
 * answers from a fresh L1 entry at once, and only a miss makes the
 * DataLoader (and notes who wants the key, domain/interest.ts).
 */
class WarmLoader<K, V, S> implements EntityLoader<K, V> {
  private loader: DataLoader<K, S, string> | undefined;
  private interests: Interests | undefined;

  constructor(
    private readonly spec: LoaderSpec<K, V, S>,
    private readonly request: RequestReads,
  ) {}

  load(key: K, scope?: PrefetchScope | null): V | Promise<V> {
    const hit = this.peek(key);
    if (hit !== MISS) return this.value(hit as S);
    this.wanted().note(this.spec.keyOf(key), scope ?? null);
    const loading = this.slow().load(key);
    const { fromStored } = this.spec;
    return fromStored ? loading.then(fromStored) : (loading as unknown as Promise<V>);
  }

  loadMany(keys: readonly K[], scope?: PrefetchScope | null): (V | Error)[] | Promise<(V | Error)[]> {
    const out: (V | Error)[] = new Array(keys.length);
    let missing: number[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const hit = this.peek(keys[i] as K);
      if (hit === MISS) (missing ??= []).push(i);
      else out[i] = this.value(hit as S);
    }
    if (!missing) return out;
    const misses = missing;
    const interests = this.wanted();
    for (const i of misses) interests.note(this.spec.keyOf(keys[i] as K), scope ?? null);
    return this.slow()
      .loadMany(misses.map((i) => keys[i] as K))
      .then((values) => {
        misses.forEach((i, j) => {
          const value = values[j] as S | Error;
          out[i] = value instanceof Error ? value : this.value(value);
        });
        return out;
      });
  }

  held(key: K): V | typeof NOT_HELD {
    const hit = this.peek(key);
    return hit === MISS ? NOT_HELD : this.value(hit as S);
  }

  prime(key: K, value: V): void {
    this.slow().prime(key, value as unknown as S);
  }

  private value(stored: S): V {
    const { fromStored } = this.spec;
    return fromStored ? fromStored(stored) : (stored as unknown as V);
  }

  private peek(key: K): unknown {
    const { cache } = this.request;
    if (!cache.peekable) return MISS;
    const { family, where } = this.spec;
    const address = where(key);
    const local = localKey(address);
    return cache.peek(family, local, address.field === undefined ? local : localKey({ family, owner: address.owner }));
  }

  private wanted(): Interests {
    return (this.interests ??= new Interests());
  }

  private slow(): DataLoader<K, S, string> {
    return (this.loader ??= this.spec.make(this.request, this.wanted(), this.spec.keyOf));
  }
}

/**
 * A batch function that sends nothing when none of its keys is wanted any
 * more, takes its keys from the request's budget, and hands the batch the
 * signal that cancels it once none is.
 */
function budgeted<K, V>(
  request: RequestReads,
  name: LoaderName,
  interests: Interests,
  keyOf: (key: K) => string,
  batch: (keys: readonly K[], signal: AbortSignal | undefined) => Promise<V[]>,
): (keys: readonly K[]) => Promise<(V | Error)[]> {
  return request.scheduler.track<K, V | Error>(name, (keys) => {
    const guard = interests.guard(keys.map(keyOf));
    if (guard.abandoned) return Promise.resolve(keys.map(() => new CallCancelled('not sent: every object it was prefetched for is missing or failed')));
    const over = request.budget.take(keys.length);
    return over ? Promise.resolve(keys.map(() => over)) : batch(keys, guard.signal);
  });
}

type BatchFetch<V> = (downstream: Downstream, ids: string[], trace: CallTrace, signal?: AbortSignal) => Promise<{ value: V[]; maxAgeSeconds: number | null }>;

/** A batch endpoint read through the cache: unknown ids are remembered as negative entries. */
function batchSpec<V>(name: LoaderName, family: Family, fetch: BatchFetch<V>, keyOf: (value: V) => string): LoaderSpec<string, V | null, V | null> {
  const where = (owner: string): CacheAddress => ({ family, owner });
  return spec<string, V | null, V | null>(family, where, null, (request, interests, keyOfKey) => {
    const read: Fetch<V> = async (missing, callTrace, signal) => {
      const { value, maxAgeSeconds } = await fetch(
        request.downstream,
        missing.map((a) => a.owner),
        callTrace,
        signal,
      );
      const values = new Map<string, V | null>();
      for (const item of value) values.set(localKey({ family, owner: keyOf(item) }), item);
      return { values, maxAgeSeconds };
    };
    return new DataLoader<string, V | null>(
      budgeted(request, name, interests, keyOfKey, (keys, signal) => request.cache.readThrough(family, keys.map(where), read, signal)),
      { maxBatchSize: MAX_BATCH, batchScheduleFn: request.scheduler.scheduleFn(name) },
    );
  });
}

type EachFetch<K, S> = (downstream: Downstream, key: K, trace: CallTrace, signal?: AbortSignal) => Promise<{ value: S; maxAgeSeconds: number | null }>;

/** An endpoint without a batch form read through the cache: one read per distinct key, in parallel. */
function eachSpec<K, V, S = V>(name: LoaderName, family: Family, where: (key: K) => CacheAddress, fetch: EachFetch<K, S>, fromStored: ((stored: S) => V) | null = null): LoaderSpec<K, V, S> {
  return spec<K, V, S>(family, where, fromStored, (request, interests, keyOf) =>
    new DataLoader<K, S, string>(
      // One call per key: each key is its own batch, sent or cancelled alone.
      (keys) =>
        Promise.all(
          keys.map(async (key) => {
            const [result] = await budgeted(request, name, interests, keyOf, (one: readonly K[], signal) => {
              const address = where(one[0] as K);
              return request.cache.readThrough<S>(family, [address], async (_missing, callTrace, cancel) => {
                const { value, maxAgeSeconds } = await fetch(request.downstream, key, callTrace, cancel);
                return { values: new Map([[localKey(address), value]]), maxAgeSeconds };
              }, signal);
            })([key]);
            return result as S | Error;
          }),
        ),
      { batchScheduleFn: request.scheduler.scheduleFn(name), cacheKeyFn: keyOf },
    ),
  );
}

const pageField = (cursor: string | undefined, limit: number) => `${cursor === undefined ? '' : digest(cursor)}|${limit}`;

const PRODUCT = batchSpec<DownstreamProduct>('product', 'product', (d, ids, t, c) => d.catalog.productsByIds(ids, t, c), (p) => p.id);
const STOCK = batchSpec<DownstreamStockLevel>('stock', 'stock', (d, skus, t, c) => d.inventory.stockBySkus(skus, t, c), (s) => s.sku);
const RATING = batchSpec<DownstreamRatingSummary>('rating', 'rating', (d, ids, t, c) => d.reviews.ratings(ids, t, c), (r) => r.productId);
const USER = batchSpec<PublicProfile>(
  'user',
  'user',
  async (d, ids, t, c) => {
    const { value, maxAgeSeconds } = await d.accounts.usersByIds(ids, t, c);
    return { value: value.map(publicProfile), maxAgeSeconds };
  },
  (u) => u.id,
);
// Private: only ever loaded with the verified viewer's id (see Query.me and cache/entityPolicies.ts).
const ACCOUNT = batchSpec<DownstreamUser>('user', 'account', (d, ids, t, c) => d.accounts.usersByIds(ids, t, c), (u) => u.id);
const CATEGORIES = eachSpec<'all', CategoryIndex, DownstreamCategory[]>(
  'categories',
  'categories',
  () => ({ family: 'categories', owner: 'all' }),
  (d, _key, t, c) => d.catalog.categories(t, c),
  categoryIndex,
);
const LISTING = eachSpec<ListingKey, PageRead<DownstreamProduct>>(
  'listing',
  'listing',
  (k) => ({ family: 'listing', owner: digest(JSON.stringify([k.categoryId ?? null, k.search ?? null, k.cursor ?? null, k.limit])) }),
  async (d, key, t, c) => {
    const read = await d.catalog.listProducts(key, t, c);
    // A refused page (a forged cursor) is answered, never cached: max-age 0.
    return 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
  },
);
const REVIEW_PAGE = eachSpec<ReviewPageKey, PageRead<DownstreamReview> | null>(
  'reviewPage',
  'reviews',
  (k) => ({ family: 'reviews', owner: k.productId, field: pageField(k.cursor, k.limit) }),
  async (d, key, t, c) => {
    const read = await d.reviews.reviewsPage(key.productId, key.cursor, key.limit, t, c);
    return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
  },
);
const RECOMMENDATIONS = eachSpec<RecommendationsKey, string[]>(
  'recommendations',
  'recommendations',
  (k) => ({ family: 'recommendations', owner: `${k.productId}|${k.limit}` }),
  (d, key, t, c) => d.recommendations.related(key.productId, key.limit, t, c),
);
const ORDER_PAGE = eachSpec<OrderPageKey, PageRead<DownstreamOrder> | null>(
  'orderPage',
  'orders',
  // Private: the owner is the verified user's id (see cache/entityPolicies.ts).
  (k) => ({ family: 'orders', owner: k.userId, field: pageField(k.cursor, k.limit) }),
  async (d, key, t, c) => {
    const read = await d.orders.ordersPage(key.userId, key.cursor, key.limit, t, c);
    return read === null || 'rejected' in read ? { value: read, maxAgeSeconds: 0 } : read;
  },
);

/** A request's loaders, each made when a resolver first asks for it. */
class RequestLoaders implements Loaders {
  private productLoader: Loaders['product'] | undefined;
  private stockLoader: Loaders['stock'] | undefined;
  private ratingLoader: Loaders['rating'] | undefined;
  private userLoader: Loaders['user'] | undefined;
  private accountLoader: Loaders['account'] | undefined;
  private categoriesLoader: Loaders['categories'] | undefined;
  private listingLoader: Loaders['listing'] | undefined;
  private reviewPageLoader: Loaders['reviewPage'] | undefined;
  private recommendationsLoader: Loaders['recommendations'] | undefined;
  private orderPageLoader: Loaders['orderPage'] | undefined;

  constructor(private readonly reads: RequestReads) {}

  get product(): Loaders['product'] {
    return (this.productLoader ??= new WarmLoader(PRODUCT, this.reads));
  }
  get stock(): Loaders['stock'] {
    return (this.stockLoader ??= new WarmLoader(STOCK, this.reads));
  }
  get rating(): Loaders['rating'] {
    return (this.ratingLoader ??= new WarmLoader(RATING, this.reads));
  }
  get user(): Loaders['user'] {
    return (this.userLoader ??= new WarmLoader(USER, this.reads));
  }
  get account(): Loaders['account'] {
    return (this.accountLoader ??= new WarmLoader(ACCOUNT, this.reads));
  }
  get categories(): Loaders['categories'] {
    return (this.categoriesLoader ??= new WarmLoader(CATEGORIES, this.reads));
  }
  get listing(): Loaders['listing'] {
    return (this.listingLoader ??= new WarmLoader(LISTING, this.reads));
  }
  get reviewPage(): Loaders['reviewPage'] {
    return (this.reviewPageLoader ??= new WarmLoader(REVIEW_PAGE, this.reads));
  }
  get recommendations(): Loaders['recommendations'] {
    return (this.recommendationsLoader ??= new WarmLoader(RECOMMENDATIONS, this.reads));
  }
  get orderPage(): Loaders['orderPage'] {
    return (this.orderPageLoader ??= new WarmLoader(ORDER_PAGE, this.reads));
  }
}
