/**
 * The six downstream clients against a local server that records request
 * targets and headers: hostile ids never reach a path, batches are capped,
 * cursors are encoded, writes carry exactly the headers they should.
 */
import { DEFAULT_DOWNSTREAM, type DownstreamOptions } from '../src/config';
import { createAccountsClient } from '../src/downstream/accountsClient';
import { createCatalogClient } from '../src/downstream/catalogClient';
import { idList, segment } from '../src/downstream/paths';
import { MAX_BATCH } from '../src/contract/ids';
import { createInventoryClient } from '../src/downstream/inventoryClient';
import { createOrdersClient } from '../src/downstream/ordersClient';
import { createRecommendationsClient } from '../src/downstream/recommendationsClient';
import { createReviewsClient } from '../src/downstream/reviewsClient';
import { ServiceHttp } from '../src/downstream/serviceHttp';
import type { ServiceName } from '../src/contract/services';
import { json, startLocalServer, type LocalServer } from './helpers/localServer';

const OPTIONS: DownstreamOptions = { ...DEFAULT_DOWNSTREAM, connectTimeoutMs: 1000, requestTimeoutMs: 2000, connections: 2, retries: 0, maxResponseBytes: 1 << 20 };

const productOf = (id: string) => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  brand: 'Acme',
  description: 'Text.',
  categoryId: 'c-001',
  priceCents: 1000,
  currency: 'EUR',
  images: [],
  createdAt: '2024-01-01T00:00:00.000Z',
});
const userOf = (id: string) => ({ id, displayName: `User ${id}`, email: `${id}@example.com`, avatarUrl: 'https://a/x.png', memberSince: '2020-01-01' });
const reviewOf = (productId: string, authorId: string) => ({
  id: 'r-000001',
  productId,
  authorId,
  rating: 4,
  title: 'Good',
  body: 'Works.',
  createdAt: '2024-02-02T00:00:00.000Z',
});
const orderOf = (userId: string) => ({
  id: 'o-000001',
  userId,
  status: 'PLACED',
  lines: [{ productId: 'p-0001', sku: 'SKU-p-0001', quantity: 2, unitPriceCents: 1000 }],
  totalCents: 2000,
  currency: 'EUR',
  placedAt: '2024-03-03T00:00:00.000Z',
});

let server: LocalServer;
const pools: ServiceHttp[] = [];
function http(name: ServiceName): ServiceHttp {
  const h = new ServiceHttp(name, server.url, OPTIONS);
  pools.push(h);
  return h;
}

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const query = new URLSearchParams(req.url.slice(req.path.length));
    const list = (name: string) => (query.get(name) ?? '').split(',').filter(Boolean);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && req.path === '/orders') return json(res, 201, orderOf(String(req.headers['x-user-id'])));
    if (req.method === 'POST' && req.path === '/reviews') {
      const input = JSON.parse(req.body) as { productId: string };
      return json(res, 201, reviewOf(input.productId, String(req.headers['x-user-id'])));
    }
    if (req.path === '/products' && query.has('ids')) return json(res, 200, { items: list('ids').map(productOf) });
    if (req.path === '/products') return json(res, 200, { items: [productOf('p-0001')], nextCursor: null });
    if ((m = /^\/products\/([^/]+)\/reviews$/.exec(req.path))) return json(res, 200, { items: [reviewOf(decodeURIComponent(m[1] as string), 'u-0001')], nextCursor: null });
    if ((m = /^\/products\/([^/]+)$/.exec(req.path))) return json(res, 200, productOf(decodeURIComponent(m[1] as string)));
    if (req.path === '/stock') return json(res, 200, { items: list('skus').map((sku) => ({ sku, available: 3, restockDate: null })) });
    if (req.path === '/ratings') return json(res, 200, { items: list('productIds').map((productId) => ({ productId, average: 4.5, count: 2 })) });
    if (req.path === '/users') return json(res, 200, { items: list('ids').map(userOf) });
    if ((m = /^\/users\/([^/]+)\/orders$/.exec(req.path))) return json(res, 200, { items: [orderOf(decodeURIComponent(m[1] as string))], nextCursor: null });
    if ((m = /^\/users\/([^/]+)$/.exec(req.path))) return json(res, 200, userOf(decodeURIComponent(m[1] as string)));
    if (req.path === '/recommendations') return json(res, 200, { productIds: ['p-0002', 'p-0003'] });
    return json(res, 404, { error: 'NOT_FOUND', message: `no route ${req.path}` });
  });
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

const urls = () => server.requests.map((r) => `${r.method} ${r.url}`);

describe('catalog: hostile product ids never reach a path', () => {
  it.each(['../admin', 'p-0001/../../admin', 'p-1?x=y', 'p-0001?x=y', 'p-0001#frag', '%2e%2e', '', 'P-0001', 'p-123456789'])(
    'product(%p) → null with zero requests',
    async (id) => {
      const catalog = createCatalogClient(http('catalog'));
      await expect(catalog.product(id)).resolves.toBeNull();
      expect(server.requests).toHaveLength(0);
    },
  );

  it('a well-formed id is requested as its own path segment', async () => {
    const catalog = createCatalogClient(http('catalog'));
    await expect(catalog.product('p-0001')).resolves.toEqual(productOf('p-0001'));
    expect(urls()).toEqual(['GET /products/p-0001']);
  });

  it('productsByIds drops malformed ids before the query', async () => {
    const catalog = createCatalogClient(http('catalog'));
    const result = await catalog.productsByIds(['p-0001', '../x', 'p-0002?y']);
    expect(result.value).toEqual([productOf('p-0001')]);
    expect(urls()).toEqual(['GET /products?ids=p-0001']);
  });

  it('productsByIds with only malformed ids makes no request', async () => {
    const catalog = createCatalogClient(http('catalog'));
    await expect(catalog.productsByIds(['../x', 'p-1'])).resolves.toEqual({ value: [], maxAgeSeconds: null });
    expect(server.requests).toHaveLength(0);
  });
});

describe('accounts: hostile user ids never reach a path', () => {
  it.each(['u-1/../../x', '../u-0001', 'u-0001/orders', 'u-0001?admin=1', ''])('user(%p) → null, no request', async (id) => {
    const accounts = createAccountsClient(http('accounts'));
    await expect(accounts.user(id)).resolves.toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('usersByIds keeps only well-formed ids', async () => {
    const accounts = createAccountsClient(http('accounts'));
    const result = await accounts.usersByIds(['u-0001', 'u-1/../../x', 'u-0002']);
    expect(result.value.map((u) => u.id)).toEqual(['u-0001', 'u-0002']);
    expect(urls()).toEqual(['GET /users?ids=u-0001%2Cu-0002']);
  });

  it('a well-formed user id is requested as its path segment, with no x-user-id', async () => {
    const accounts = createAccountsClient(http('accounts'));
    await expect(accounts.user('u-0042')).resolves.toEqual(userOf('u-0042'));
    expect(urls()).toEqual(['GET /users/u-0042']);
    expect(server.requests[0]?.headers['x-user-id']).toBeUndefined();
  });
});

describe('orders: the user id in the path is checked', () => {
  it('ordersPage with a hostile user id is null, like its siblings, and sends nothing', async () => {
    const orders = createOrdersClient(http('orders'));
    await expect(orders.ordersPage('u-1/../../x', undefined, 10)).resolves.toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('ordersPage names the user in the path and in x-user-id and encodes the cursor', async () => {
    const orders = createOrdersClient(http('orders'));
    const page = await orders.ordersPage('u-0001', 'a/b?c', 10);
    expect(page).toEqual({ value: { items: [orderOf('u-0001')], nextCursor: null }, maxAgeSeconds: null });
    expect(urls()).toEqual(['GET /users/u-0001/orders?cursor=a%2Fb%3Fc&limit=10']);
    expect(server.requests[0]?.headers['x-user-id']).toBe('u-0001');
  });
});

describe('reviews: ids and cursors', () => {
  it('reviewsPage URL-encodes the cursor in the query', async () => {
    const reviews = createReviewsClient(http('reviews'));
    const cursor = 'o:5/../x?y=1&z=#w +';
    const page = await reviews.reviewsPage('p-0001', cursor, 5);
    expect(page).toEqual({ value: { items: [reviewOf('p-0001', 'u-0001')], nextCursor: null }, maxAgeSeconds: null });
    expect(urls()).toEqual(['GET /products/p-0001/reviews?cursor=o%3A5%2F..%2Fx%3Fy%3D1%26z%3D%23w%20%2B&limit=5']);
    const sent = new URLSearchParams(server.requests[0]?.url.split('?')[1]);
    expect(sent.get('cursor')).toBe(cursor);
    expect([...sent.keys()]).toEqual(['cursor', 'limit']);
  });

  it('reviewsPage without a cursor leaves the parameter out', async () => {
    const reviews = createReviewsClient(http('reviews'));
    await reviews.reviewsPage('p-0001', undefined, 5);
    expect(urls()).toEqual(['GET /products/p-0001/reviews?limit=5']);
  });

  it('reviewsPage with a hostile product id → null, no request', async () => {
    const reviews = createReviewsClient(http('reviews'));
    await expect(reviews.reviewsPage('../p-0001', undefined, 5)).resolves.toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('ratings drops malformed ids', async () => {
    const reviews = createReviewsClient(http('reviews'));
    const result = await reviews.ratings(['p-0001', 'p-0002&ids=x']);
    expect(result.value).toEqual([{ productId: 'p-0001', average: 4.5, count: 2 }]);
    expect(urls()).toEqual(['GET /ratings?productIds=p-0001']);
  });
});

describe('recommendations: the product id is checked', () => {
  it('a hostile product id → empty, no request', async () => {
    const recommendations = createRecommendationsClient(http('recommendations'));
    await expect(recommendations.related('p-0001&limit=50', 8)).resolves.toEqual({ value: [], maxAgeSeconds: null });
    expect(server.requests).toHaveLength(0);
  });

  it('a well-formed id is sent as a query parameter with the limit', async () => {
    const recommendations = createRecommendationsClient(http('recommendations'));
    await expect(recommendations.related('p-0001', 8)).resolves.toEqual({ value: ['p-0002', 'p-0003'], maxAgeSeconds: null });
    expect(urls()).toEqual(['GET /recommendations?productId=p-0001&limit=8']);
  });
});

describe('batch size cap', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `p-${String(i + 1).padStart(4, '0')}`);

  it('idList joins up to 100 ids', () => {
    expect(MAX_BATCH).toBe(100);
    expect(idList(['a', 'b', 'c'])).toBe('a,b,c');
    expect(idList(ids(100)).split(',')).toHaveLength(100);
  });

  it('idList throws a RangeError above 100', () => {
    expect(() => idList(ids(101))).toThrow(new RangeError('A batch holds at most 100 ids; received 101.'));
  });

  it('a client asked for 101 ids rejects without a request', async () => {
    const catalog = createCatalogClient(http('catalog'));
    const inventory = createInventoryClient(http('inventory'));
    await expect(catalog.productsByIds(ids(101))).rejects.toThrow(RangeError);
    await expect(inventory.stockBySkus(ids(101).map((id) => `SKU-${id}`))).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('stockBySkus sends the SKUs as one encoded parameter', async () => {
    const inventory = createInventoryClient(http('inventory'));
    const result = await inventory.stockBySkus(['SKU-1', 'SKU-2']);
    expect(result.value).toEqual([
      { sku: 'SKU-1', available: 3, restockDate: null },
      { sku: 'SKU-2', available: 3, restockDate: null },
    ]);
    expect(urls()).toEqual(['GET /stock?skus=SKU-1%2CSKU-2']);
  });

  it('segment encodes whatever it is given', () => {
    expect(segment('a/b?c#d')).toBe('a%2Fb%3Fc%23d');
  });
});

describe('writes carry x-user-id and idempotency-key, and no other client header', () => {
  /** What undici itself adds, plus what our transport sets. */
  const TRANSPORT_HEADERS = ['accept', 'connection', 'content-length', 'content-type', 'host'];

  it('placeOrder with an idempotency key', async () => {
    const orders = createOrdersClient(http('orders'));
    const result = await orders.placeOrder('u-0001', [{ productId: 'p-0001', quantity: 2 }], 'key-123');
    expect(result).toEqual({ ok: true, status: 201, value: orderOf('u-0001'), maxAgeSeconds: null });
    const [request] = server.requests;
    expect(`${request?.method} ${request?.url}`).toBe('POST /orders');
    expect(request?.headers['x-user-id']).toBe('u-0001');
    expect(request?.headers['idempotency-key']).toBe('key-123');
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([...TRANSPORT_HEADERS, 'idempotency-key', 'x-user-id'].sort());
    expect(JSON.parse(request?.body ?? '')).toEqual({ lines: [{ productId: 'p-0001', quantity: 2 }] });
  });

  it('placeOrder without an idempotency key sends none', async () => {
    const orders = createOrdersClient(http('orders'));
    await orders.placeOrder('u-0002', [{ productId: 'p-0001', quantity: 1 }], undefined);
    const [request] = server.requests;
    expect(request?.headers['x-user-id']).toBe('u-0002');
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([...TRANSPORT_HEADERS, 'x-user-id'].sort());
  });

  it('submitReview with an idempotency key', async () => {
    const reviews = createReviewsClient(http('reviews'));
    const input = { productId: 'p-0007', rating: 5, title: 'Great', body: 'Really.' };
    const result = await reviews.submitReview('u-0003', input, 'rev-key');
    expect(result).toEqual({ ok: true, status: 201, value: reviewOf('p-0007', 'u-0003'), maxAgeSeconds: null });
    const [request] = server.requests;
    expect(`${request?.method} ${request?.url}`).toBe('POST /reviews');
    expect(request?.headers['x-user-id']).toBe('u-0003');
    expect(request?.headers['idempotency-key']).toBe('rev-key');
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([...TRANSPORT_HEADERS, 'idempotency-key', 'x-user-id'].sort());
    expect(JSON.parse(request?.body ?? '')).toEqual(input);
  });

  it('submitReview without an idempotency key sends none', async () => {
    const reviews = createReviewsClient(http('reviews'));
    await reviews.submitReview('u-0003', { productId: 'p-0007', rating: 5, title: 'T', body: 'B' }, undefined);
    expect(Object.keys(server.requests[0]?.headers ?? {}).sort()).toEqual([...TRANSPORT_HEADERS, 'x-user-id'].sort());
  });

  it('reads send only accept (plus what undici adds)', async () => {
    const catalog = createCatalogClient(http('catalog'));
    await catalog.product('p-0001');
    expect(Object.keys(server.requests[0]?.headers ?? {}).sort()).toEqual(['accept', 'connection', 'host']);
  });
});
