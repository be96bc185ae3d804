/**
 * When the per-request loaders go downstream: createLoaders over a real
 * downstream pointed at the demo services, whose request log shows every call
 * in arrival order. Nothing is mocked; no test sleeps. Each test gets a
 * fresh, empty entity cache (L1 only), so every load is a miss and reaches
 * the services: what is measured is the scheduling, not the cache.
 */
import { EntityCache } from '../src/cache/entityCache';
import { CacheSession } from '../src/cache/cacheSession';
import { publicProfile } from '../src/cache/entityPolicies';
import { DEFAULT_DOWNSTREAM } from '../src/config';
import { startDemoServices, type DemoServices } from '../src/demo';
import { createDownstream, type Downstream } from '../src/downstream';
import type { CallTrace } from '../src/downstream/call';
import type { DownstreamProduct } from '../src/contract/payloads';
import DataLoader from 'dataloader';
import { BatchScheduler, FEEDERS } from '../src/domain/batchScheduler';
import { KeyBudget } from '../src/domain/keyBudget';
import { createLoaders, type Loaders } from '../src/domain/loaders';
import { DownstreamError } from '../src/errors/catalogue';
import { createLogger } from '../src/logging/logger';

let demo: DemoServices;
let downstream: Downstream;

beforeAll(async () => {
  demo = await startDemoServices();
  downstream = createDownstream(demo.urls, { ...DEFAULT_DOWNSTREAM, retries: 0 });
});

afterAll(async () => {
  await downstream.close();
  await demo.close();
});

let trace: CallTrace;
let loaders: Loaders;
beforeEach(() => {
  demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 });
  demo.resetRequests();
  trace = { downstreamCalls: 0 };
  const cache = new EntityCache({ l1MaxBytes: 8 * 1024 * 1024, l2: null, logger: createLogger('silent') });
  const scheduler = new BatchScheduler();
  loaders = createLoaders(downstream, new CacheSession(cache, trace, scheduler), scheduler, new KeyBudget(0));
});

const pid = (n: number) => `p-${String(n).padStart(4, '0')}`;
const routes = () => demo.requests().map((r) => r.route);
const callsTo = (route: string) => demo.requests().filter((r) => r.route === route);

/** Records the order in which labelled promises settle. */
function settleOrder() {
  const order: string[] = [];
  return {
    order,
    track<T>(label: string, promise: Promise<T>): Promise<T> {
      return promise.finally(() => order.push(label));
    },
  };
}

describe('the feeder table', () => {
  it('names ratings, stock and users as the only waiting leaves', () => {
    expect(FEEDERS).toEqual({ rating: ['recommendations', 'listing'], stock: ['listing'], user: ['reviewPage'] });
  });
});

describe('loads in the same tick', () => {
  it('batch into one call per loader, deduplicated, in load order', async () => {
    const ids = [pid(3), pid(1), pid(2), pid(1)];
    const products = await Promise.all(ids.map((id) => loaders.product.load(id)));
    expect(products.map((p) => p?.id)).toEqual(ids);
    expect(demo.requests()).toEqual([{ service: 'catalog', method: 'GET', route: 'GET /products', target: '/products?ids=p-0003%2Cp-0001%2Cp-0002', query: { ids: 'p-0003,p-0001,p-0002' }, at: expect.any(Number) }]);
    expect(trace.downstreamCalls).toBe(1);
  });

  it('unknown ids resolve to null inside the same batch', async () => {
    const [known, unknown] = await Promise.all([loaders.product.load(pid(1)), loaders.product.load('p-99999999')]);
    expect(known?.id).toBe(pid(1));
    expect(unknown).toBeNull();
    expect(callsTo('GET /products')).toHaveLength(1);
  });

  it('different loaders in the same tick each make one call', async () => {
    await Promise.all([loaders.product.load(pid(1)), loaders.product.load(pid(2)), loaders.rating.load(pid(1)), loaders.rating.load(pid(2)), loaders.user.load('u-0001')]);
    expect(routes().sort()).toEqual(['GET /products', 'GET /ratings', 'GET /users']);
    expect(trace.downstreamCalls).toBe(3);
  });
});

describe('ratings wait for recommendations in flight', () => {
  it('a rating issued with the recommendations load merges with the recommended products\' ratings: one GET /ratings', async () => {
    const own = loaders.rating.load(pid(1));
    const related = await loaders.recommendations.load({ productId: pid(1), limit: 8 });
    expect(related).toHaveLength(8);
    expect(related).toEqual(demo.data.recommendationsByProduct.get(pid(1))?.slice(0, 8));
    const ratings = await Promise.all([own, ...related.map((id) => loaders.rating.load(id))]);
    expect(ratings.map((r) => r?.productId)).toEqual([pid(1), ...related]);
    expect(ratings[0]).toEqual(demo.data.ratingsByProduct.get(pid(1)));

    expect(routes()).toEqual(['GET /recommendations', 'GET /ratings']);
    expect(callsTo('GET /ratings')[0]?.query).toEqual({ productIds: [pid(1), ...related].join(',') });
  });

  it('the held rating is not even sent until the recommendations have answered', async () => {
    demo.setKnobs({ latencyMs: 150 }, 'recommendations');
    const { order, track } = settleOrder();
    const rating = track('rating', Promise.resolve(loaders.rating.load(pid(1))));
    await track('recommendations', Promise.resolve(loaders.recommendations.load({ productId: pid(1), limit: 4 })));
    // Sent eagerly, the rating would have been logged ~150 ms ago.
    expect(callsTo('GET /ratings')).toHaveLength(0);
    await rating;
    expect(order).toEqual(['recommendations', 'rating']);
    expect(routes()).toEqual(['GET /recommendations', 'GET /ratings']);
  });

  it('a failed recommendations call does not block the held rating', async () => {
    demo.setKnobs({ failureRate: 1 }, 'recommendations');
    const [rating, recs] = await Promise.allSettled([loaders.rating.load(pid(1)), loaders.recommendations.load({ productId: pid(1), limit: 4 })]);
    expect(recs.status).toBe('rejected');
    expect((recs as PromiseRejectedResult).reason).toBeInstanceOf(DownstreamError);
    expect(rating).toEqual({ status: 'fulfilled', value: demo.data.ratingsByProduct.get(pid(1)) });
    expect(routes()).toEqual(['GET /recommendations', 'GET /ratings']);
  });
});

describe('a rating with no feeder in flight goes at once', () => {
  it('is sent in the first flush and settles before a slow non-feeder load', async () => {
    demo.setKnobs({ latencyMs: 250 }, 'catalog');
    const { order, track } = settleOrder();
    const product = track('product', Promise.resolve(loaders.product.load(pid(2))));
    const rating = track('rating', Promise.resolve(loaders.rating.load(pid(1))));
    await rating;
    // The rating answered while the (non-feeding) product call is still out.
    expect(order).toEqual(['rating']);
    expect(callsTo('GET /ratings')).toEqual([{ service: 'reviews', method: 'GET', route: 'GET /ratings', target: `/ratings?productIds=${pid(1)}`, query: { productIds: pid(1) }, at: expect.any(Number) }]);
    await product;
    expect(order).toEqual(['rating', 'product']);
    expect(routes().sort()).toEqual(['GET /products', 'GET /ratings']);
  });
});

describe('stock waits for a listing in flight', () => {
  it('merges the early SKU with the listing\'s SKUs into one GET /stock', async () => {
    demo.setKnobs({ latencyMs: 100 }, 'catalog');
    const early = demo.data.products[0] as DownstreamProduct;
    const { order, track } = settleOrder();
    const stock = track('stock', Promise.resolve(loaders.stock.load(early.sku)));
    const page = await track('listing', Promise.resolve(loaders.listing.load({ limit: 5 })));
    if ('rejected' in page) throw new Error(page.rejected);
    const skus = page.items.map((p) => p.sku);
    expect(skus).toEqual(demo.data.productsNewestFirst.slice(0, 5).map((p) => p.sku));
    const levels = await Promise.all([stock, ...skus.map((sku) => loaders.stock.load(sku))]);

    expect(order[0]).toBe('listing');
    expect(levels.map((l) => l?.sku)).toEqual([early.sku, ...skus]);
    expect(routes()).toEqual(['GET /products', 'GET /stock']);
    const expected = [early.sku, ...skus.filter((s) => s !== early.sku)];
    expect(callsTo('GET /stock')[0]?.query).toEqual({ skus: expected.join(',') });
  });

  it('a user load does not wait for a listing (not its feeder)', async () => {
    demo.setKnobs({ latencyMs: 150 }, 'catalog');
    const { order, track } = settleOrder();
    const listing = track('listing', Promise.resolve(loaders.listing.load({ limit: 3 })));
    await track('user', Promise.resolve(loaders.user.load('u-0001')));
    expect(order).toEqual(['user']);
    await listing;
    expect(order).toEqual(['user', 'listing']);
  });
});

describe('more than 100 keys', () => {
  it('split into chunks of 100', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => pid(i + 1));
    const products = await Promise.all(ids.map((id) => loaders.product.load(id)));
    expect(products.map((p) => p?.id)).toEqual(ids);
    const batches = callsTo('GET /products').map((r) => (r.query.ids ?? '').split(','));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(ids);
    expect(trace.downstreamCalls).toBe(3);
  });

  it('exactly 100 keys is one call', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => pid(i + 1));
    await Promise.all(ids.map((id) => loaders.rating.load(id)));
    expect(callsTo('GET /ratings')).toHaveLength(1);
  });
});

describe('loader errors', () => {
  it('reject every key of the failed batch with a DownstreamError and leave other loaders alone', async () => {
    demo.setKnobs({ failureRate: 1 }, 'reviews');
    const ratingIds = [pid(1), pid(2), pid(3)];
    const results = await Promise.allSettled([...ratingIds.map((id) => loaders.rating.load(id)), loaders.product.load(pid(1)), loaders.product.load(pid(2))]);
    const ratings = results.slice(0, 3);
    for (const result of ratings) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as DownstreamError;
      expect(reason).toBeInstanceOf(DownstreamError);
      expect(reason.extensions).toEqual({ code: 'DOWNSTREAM_ERROR', service: 'reviews' });
      expect(reason.status).toBe(503);
      expect(reason.message).toBe('The reviews service answered GET /ratings with HTTP 503.');
    }
    expect(results.slice(3)).toEqual([
      { status: 'fulfilled', value: demo.data.productsById.get(pid(1)) },
      { status: 'fulfilled', value: demo.data.productsById.get(pid(2)) },
    ]);
    expect(callsTo('GET /ratings')).toHaveLength(1);
  });

  it('a failed review page rejects only that key and still releases the users it feeds', async () => {
    demo.setKnobs({ failureRate: 1 }, 'reviews');
    const [page, user] = await Promise.allSettled([loaders.reviewPage.load({ productId: pid(1), limit: 5 }), loaders.user.load('u-0001')]);
    expect(page.status).toBe('rejected');
    expect(((page as PromiseRejectedResult).reason as DownstreamError).extensions.code).toBe('DOWNSTREAM_ERROR');
    expect(user).toEqual({ status: 'fulfilled', value: publicProfile(demo.data.usersById.get('u-0001')!) });
    expect(routes()).toEqual(['GET /products/{productId}/reviews', 'GET /users']);
  });
});

describe('a leaf behind a feeder whose batch is all memo hits', () => {
  it('is not held (the feeder calls nothing, so nothing would ever wake it)', async () => {
    const scheduler = new BatchScheduler();
    const feeder = new DataLoader<string, string>(scheduler.track('recommendations', async (keys) => [...keys]), {
      batchScheduleFn: scheduler.scheduleFn('recommendations'),
    });
    const leaf = new DataLoader<string, string>(scheduler.track('rating', async (keys) => [...keys]), {
      batchScheduleFn: scheduler.scheduleFn('rating'),
    });
    await feeder.load('a'); // now in the feeder's memo
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.all([leaf.load('x'), feeder.load('a')]).then(() => 'settled'),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still pending after 2 s'), 2000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('settled');
  });
});
